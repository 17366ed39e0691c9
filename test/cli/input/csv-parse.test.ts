/** The RFC 4180 tokenizer: null versus empty string, quoting, line ends, line numbers. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CsvSyntaxError, parseCsv } from '../../../src/cli/input/csv-parse.js'

const records = (text: string) => [...parseCsv(text)].map((r) => [r.line, r.fields])

test('unquoted empty is null, quoted empty is the empty string, quotes double', () => {
  assert.deepEqual(records('a,b,c\n,"",x\n"a ""q"", b",,\n'), [
    [1, ['a', 'b', 'c']],
    [2, [null, '', 'x']],
    [3, ['a "q", b', null, null]],
  ])
})

test('CRLF, LF and CR line ends; optional final line end; BOM ignored; empty line is one null field', () => {
  assert.deepEqual(records('\uFEFFa,b\r\n1,2\r3,4\n\n5,6'), [
    [1, ['a', 'b']],
    [2, ['1', '2']],
    [3, ['3', '4']],
    [4, [null]],
    [5, ['5', '6']],
  ])
  assert.deepEqual(records(''), [])
})

test('line breaks inside quotes are kept and counted', () => {
  assert.deepEqual(records('a\n"x\r\ny\nz"\nnext\n'), [
    [1, ['a']],
    [2, ['x\r\ny\nz']],
    [5, ['next']],
  ])
})

test('malformed text names the line', () => {
  const cases: [string, RegExp][] = [
    ['a\n"abc"x\n', /line 2: expected ',' or the end of the line after a closing quote, found "x"/],
    ['a\nab"c\n', /line 2: a quote inside an unquoted field/],
    ['a\n\n"abc\n', /line 3: unterminated quoted field/],
  ]
  for (const [text, message] of cases) assert.throws(() => [...parseCsv(text)], (e: unknown) => e instanceof CsvSyntaxError && message.test(e.message), text)
})
