/**
 * Matches a requested Delta schema against a file's Parquet schema tree, producing a read plan:
 * which leaf columns to decode and, for every requested node, the definition/repetition levels
 * that say where its values, nulls and list boundaries are.
 *
 * Columns are matched by Parquet field id when the requested field has `parquet.field.id`
 * metadata and the file has field ids, otherwise by name, recursively (column mapping renames
 * nested fields too). Lists accept the standard 3-level layout, the legacy 2-level layouts and
 * bare repeated fields; maps accept MAP and MAP_KEY_VALUE groups.
 *
 * @packageDocumentation
 */
import type { SchemaElement, SchemaTree } from 'hyparquet'
import { ParquetError } from '../../errors.js'
import type { ArrayType, DataType, MapType, StructField, StructType } from '../../protocol/schema-types.js'
import type { LeafDescriptor } from './column-chunk.js'
import { checkLeafType } from './leaf-convert.js'

/** A Parquet schema node with its levels: `def`/`rep` count the optional/repeated nodes from the root to it, inclusive. */
export interface LeveledNode {
  readonly element: SchemaElement
  readonly children: readonly LeveledNode[]
  readonly path: readonly string[]
  readonly def: number
  readonly rep: number
  /** Index of the leaf column (only for leaves). */
  readonly column: number
}

/** How to build one requested node. */
export type ReadPlan =
  | { readonly kind: 'missing'; readonly type: DataType }
  | { readonly kind: 'leaf'; readonly type: DataType; readonly column: number; readonly def: number }
  | {
      readonly kind: 'struct'
      readonly type: DataType
      /** Definition level at which the struct is non-null. */
      readonly def: number
      /** Leaf column whose levels locate this struct's slots. */
      readonly column: number
      readonly children: readonly ReadPlan[]
    }
  | {
      readonly kind: 'list' | 'map'
      readonly type: ArrayType | MapType
      readonly def: number
      readonly column: number
      /** Levels of the repeated node: an entry with `def >= elementDef` is an element. */
      readonly elementDef: number
      readonly elementRep: number
      /** The element (list) or, for maps, `[key, value]`. */
      readonly children: readonly ReadPlan[]
    }

/** The plan of a whole read: one plan per requested top-level field, plus the leaves to decode. */
export interface FilePlan {
  readonly fields: readonly ReadPlan[]
  readonly leaves: ReadonlyMap<number, LeafDescriptor>
}

/** Adds levels and leaf column indexes to hyparquet's schema tree. */
export function levelTree(root: SchemaTree): LeveledNode {
  let column = 0
  const walk = (node: SchemaTree, def: number, rep: number, path: string[]): LeveledNode => {
    const children = node.children.map((child) => {
      const r = child.element.repetition_type
      return walk(child, def + (r === 'REQUIRED' ? 0 : 1), rep + (r === 'REPEATED' ? 1 : 0), [...path, child.element.name])
    })
    return { element: node.element, children, path, def, rep, column: children.length === 0 ? column++ : -1 }
  }
  return walk(root, 0, 0, [])
}

/** Plans reading `schema` from a file whose leveled schema tree is `root`. */
export function planRead(schema: StructType, root: LeveledNode, location: string): FilePlan {
  const useIds = hasFieldIds(root)
  const leaves = new Map<number, LeafDescriptor>()
  const ctx: Ctx = { useIds, leaves, location }
  const fields = schema.fields.map((f) => {
    const node = findChild(root, f, useIds)
    return node ? planNode(f.type, node, ctx) : ({ kind: 'missing', type: f.type } as const)
  })
  return { fields, leaves }
}

interface Ctx {
  readonly useIds: boolean
  readonly leaves: Map<number, LeafDescriptor>
  readonly location: string
}

function hasFieldIds(node: LeveledNode): boolean {
  return node.children.some((c) => c.element.field_id !== undefined || hasFieldIds(c))
}

/** The `parquet.field.id` of a requested field, if any. */
export function fieldIdOf(field: StructField): number | undefined {
  const id = field.metadata['parquet.field.id']
  if (id === undefined || id === null) return undefined
  const n = typeof id === 'number' ? id : Number(id)
  return Number.isInteger(n) ? n : undefined
}

function findChild(node: LeveledNode, field: StructField, useIds: boolean): LeveledNode | undefined {
  const id = useIds ? fieldIdOf(field) : undefined
  if (id !== undefined) return node.children.find((c) => c.element.field_id === id)
  return node.children.find((c) => c.element.name === field.name)
}

function use(node: LeveledNode, ctx: Ctx): number {
  if (!ctx.leaves.has(node.column)) {
    ctx.leaves.set(node.column, { element: node.element, maxDef: node.def, maxRep: node.rep, path: node.path.join('.') })
  }
  return node.column
}

/** A leaf under `node` to read levels from: one already decoded if possible, else the first. */
function representative(node: LeveledNode, ctx: Ctx): number {
  const all: LeveledNode[] = []
  const walk = (n: LeveledNode): void => {
    if (n.children.length === 0) all.push(n)
    else n.children.forEach(walk)
  }
  walk(node)
  const chosen = all.find((l) => ctx.leaves.has(l.column)) ?? all[0]
  if (!chosen) throw new ParquetError(`parquet: group ${node.path.join('.')} has no columns in ${ctx.location}`)
  return use(chosen, ctx)
}

function mismatch(type: DataType, node: LeveledNode, ctx: Ctx): ParquetError {
  return new ParquetError(
    `parquet: expected ${type.type} for column ${node.path.join('.')}, found ${describe(node)} in ${ctx.location}`,
  )
}

function describe(node: LeveledNode): string {
  const e = node.element
  if (node.children.length) return `a ${e.repetition_type ?? ''} group (${e.converted_type ?? e.logical_type?.type ?? 'struct'})`
  return `${e.repetition_type ?? ''} ${e.type ?? ''} ${e.converted_type ?? e.logical_type?.type ?? ''}`.trim()
}

function planNode(type: DataType, node: LeveledNode, ctx: Ctx): ReadPlan {
  switch (type.type) {
    case 'struct':
    case 'variant': {
      if (node.children.length === 0 || node.element.repetition_type === 'REPEATED') throw mismatch(type, node, ctx)
      const fields: readonly StructField[] =
        type.type === 'struct'
          ? type.fields
          : [
              { name: 'metadata', type: { type: 'binary' }, nullable: false, metadata: {} },
              { name: 'value', type: { type: 'binary' }, nullable: false, metadata: {} },
            ]
      const children = fields.map((f) => {
        const child = findChild(node, f, ctx.useIds)
        return child ? planNode(f.type, child, ctx) : ({ kind: 'missing', type: f.type } as const)
      })
      return { kind: 'struct', type, def: node.def, column: representative(node, ctx), children }
    }
    case 'array':
      return planList(type, node, ctx)
    case 'map':
      return planMap(type, node, ctx)
    default: {
      if (node.children.length > 0 || node.element.repetition_type === 'REPEATED') throw mismatch(type, node, ctx)
      if (!checkLeafType(type, node.element)) throw mismatch(type, node, ctx)
      return { kind: 'leaf', type, column: use(node, ctx), def: node.def }
    }
  }
}

function planList(type: ArrayType, node: LeveledNode, ctx: Ctx): ReadPlan {
  let repeated: LeveledNode
  let element: LeveledNode
  let listDef: number
  if (node.element.repetition_type === 'REPEATED') {
    // A bare repeated field: a list that is never null, with the field itself as its element.
    repeated = node
    element = node
    listDef = node.def - 1
  } else {
    const r = node.children.length === 1 ? node.children[0] : undefined
    if (!r || r.element.repetition_type !== 'REPEATED') throw mismatch(type, node, ctx)
    repeated = r
    listDef = node.def
    // Legacy 2-level lists: the repeated node is the element (backward-compatibility rules of the Parquet spec).
    const twoLevel =
      r.children.length !== 1 || r.element.name === 'array' || r.element.name === `${node.element.name}_tuple`
    element = twoLevel ? r : r.children[0]!
  }
  const elementPlan =
    element === repeated ? planRepeatedAsElement(type.elementType, element, ctx) : planNode(type.elementType, element, ctx)
  return {
    kind: 'list',
    type,
    def: listDef,
    column: representative(node, ctx),
    elementDef: repeated.def,
    elementRep: repeated.rep,
    children: [elementPlan],
  }
}

/** Plans a repeated node read as the (required) element of its own list. */
function planRepeatedAsElement(type: DataType, node: LeveledNode, ctx: Ctx): ReadPlan {
  const asRequired: LeveledNode = { ...node, element: { ...node.element, repetition_type: 'REQUIRED' } }
  return planNode(type, asRequired, ctx)
}

function planMap(type: MapType, node: LeveledNode, ctx: Ctx): ReadPlan {
  const kv = node.children.length === 1 ? node.children[0] : undefined
  if (node.element.repetition_type === 'REPEATED' || !kv || kv.element.repetition_type !== 'REPEATED' || kv.children.length < 1) {
    throw mismatch(type, node, ctx)
  }
  const key = kv.children.find((c) => c.element.name === 'key') ?? kv.children[0]!
  const value = kv.children.find((c) => c.element.name === 'value') ?? kv.children[1]
  const keyPlan = planNode(type.keyType, key, ctx)
  const valuePlan: ReadPlan = value ? planNode(type.valueType, value, ctx) : { kind: 'missing', type: type.valueType }
  return {
    kind: 'map',
    type,
    def: node.def,
    column: representative(node, ctx),
    elementDef: kv.def,
    elementRep: kv.rep,
    children: [keyPlan, valuePlan],
  }
}
