/**
 * The corpus of the Helm values differential test (test/e2e/helm-values.test.ts), and the reasons we
 * refuse, on purpose, some values Helm accepts. Helm's outcome for each case is recorded in
 * test/values/helm-recorded.ts (npm test compares our loader with the recording offline).
 */
import type { ValuesCase } from './helm-values';

/** Where we refuse what Helm accepts, on purpose: the message our loader gives, and why. */
export const STRICTER: readonly { message: RegExp; why: string }[] = [
  { message: /empty key segment/, why: 'Helm silently ignores an assignment to an empty key (--set =1, --set .a=1): a typo would vanish' },
  { message: /list index \d+ is larger than 10000/, why: 'Helm pads lists up to index 65536; we stop at 10000 (a memory guard)' },
  { message: /duplicate key/, why: 'Helm lets the last of two equal keys in a file win; one of them is a mistake' },
  { message: /holds one YAML document/, why: 'Helm reads the first document of a file and ignores the rest' },
  { message: /unsupported tag/, why: 'Helm reads !!binary, !!set, … tags; values files need none' },
];

export const stricter = (error: string) => STRICTER.find((s) => s.message.test(error));

/** The corpus: each case was chosen for a rule of Helm's parser or merge that is easy to get wrong. */
export const CORPUS: Record<string, ValuesCase> = {
  // Typing of --set values (strvals typedVal).
  'booleans and null in any case': { set: ['a=True,b=FALSE,c=tRuE,d=NULL,e=Null,f=nuLL'] },
  'long s folds to s (Go EqualFold)': { set: ['a=fal\u017fe'] },
  'signs and zeros': { set: ['a=+5,b=-0,c=+0,d=-007,e=007,f=0,g=00,h=-5'] },
  'not integers': { set: ['a=1e3,b=0x10,c=1.5,d=1_000,e=.5,f= 5,g=5 ,h=--5,i=+-5'] },
  'int64 bounds': { set: ['a=9223372036854775807,b=-9223372036854775808,c=9223372036854775808,d=-9223372036854775809,e=9007199254740993'] },
  'empty values': { set: ['a=,b=,c='] },
  'empty value at the end': { set: ['a='] },
  'value with = in it': { set: ['a=b=c'] },
  // Escapes, commas, braces.
  'escaped comma, dot, equals, backslash': { set: ['a=x\\,y,b\\.c=1,d\\=e=2,f=g\\\\h,i=\\j'] },
  'escaped dot in a key': { set: ['manager.podAnnotations.prometheus\\.io/scrape=true'] },
  'trailing backslash': { set: ['a=x\\'] },
  'list literal': { set: ['a={x,y,3,true,null}'] },
  'empty list literal is one empty string': { set: ['a={}'] },
  'list literal with escapes': { set: ['a={x\\,y,z\\}}'] },
  'list literal then more': { set: ['a={1,2},b=3'] },
  'brace inside a value': { set: ['a=x{y'] },
  'list literal as --set-string': { setString: ['a={1,true,null}'] },
  // Indexes.
  'index into a missing list pads with null': { set: ['a[1]=x'] },
  'index paths': { set: ['a[0].b=1,a[0].c=2,a[1].b=3'] },
  'nested lists': { set: ['a[0][1]=x,a[1][0][0]=y'] },
  'index with a sign and leading zeros': { set: ['a[+1]=x,b[01]=y,c[-0]=z'] },
  'index out of order': { set: ['a[1].b=1,a[0]=x,a[0].c=2'] },
  'index without a value': { set: ['a[0]'] },
  'index map without a value': { set: ['a[0].b='] },
  'list index over a file list': { files: ['a: [1, 2, 3]\n'], set: ['a[1]=x,a[4]=y'] },
  'index 10000': { set: ['a[10000]=x'] },
  'index 10001 (stricter)': { set: ['a[10001]=x'] },
  // Nulls.
  'null removes a key from a file': { files: ['a: {b: 1, c: 2}\n'], set: ['a.b=null'] },
  'null across files': { files: ['a: {b: 1}\nc: [1]\n', 'a: null\nc: null\nd: {e: null}\n'] },
  'null then a map in a later file': { files: ['a: null\n', 'a: {b: 1}\n'] },
  'null in a list stays': { files: ['a: [null, 1, ~]\n'], set: ['b={null}'] },
  'null of a whole map by --set': { files: ['a: {b: 1}\n'], set: ['a=null'] },
  // Merging files.
  'maps merge, lists replace': { files: ['a: {b: 1, c: [1, 2]}\nd: x\n', 'a: {c: [3], e: 4}\n', 'a: {b: 5}\nd: [y]\n'] },
  'a scalar replaces a map and back': { files: ['a: {b: 1}\n', 'a: 2\n', 'a: {c: 3}\n'] },
  'empty file and comment-only file': { files: ['', '# nothing\n', 'a: 1\n', '~\n'] },
  '--set after files, --set-string after --set': { files: ['a: {b: 1, c: 2}\n'], set: ['a.b=3,d=true'], setString: ['d=true'] },
  '--set-string then --set of the same key: --set-string wins': { setString: ['a=1'], set: ['a=2'] },
  '--set-json before --set': { setJson: ['a={"b":1}'], set: ['a.c=2'] },
  '--set replaces a list from a file': { files: ['a: [1, 2]\n'], set: ['a={3}'] },
  // YAML as go-yaml v2 reads it (YAML 1.1 scalars, keys made strings, numbers as float64).
  'YAML 1.1 booleans and nulls': { files: ['a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: N\ng: ~\nh: Null\ni: "yes"\nj: YeS\n'] },
  'YAML 1.1 numbers': { files: ['a: 010\nb: 0o17\nc: 0x1F\nd: 1_000\ne: 0b101\nf: -0b101\ng: +12\nh: 08\ni: 0x_1F\nj: 09.5\n'] },
  'YAML floats': { files: ['a: 1e3\nb: .5\nc: -0.0\nd: 1.\ne: 1e-400\nf: .5_5\ng: 1_0.5\nh: 6.02e+23\ni: 1e21\nj: 0.000001\nk: 0.0000001\n'] },
  'YAML large integers become doubles': { files: ['a: 9007199254740993\nb: 18446744073709551615\nc: 18446744073709551616\nd: -9223372036854775809\n'] },
  'YAML strings that look like numbers': { files: ['a: 1.2.3\nb: 2001-12-14\nc: 12:30:00\nd: 0x\ne: "010"\nf: 1e\ng: +\nh: -.inf.\n'] },
  'YAML keys become strings': { files: ['1: a\ntrue: b\n0x10: c\n1.5: d\n2001-12-14: e\n"yes": f\n1e3: g\n0.1: h\n1e20: i\n'] },
  'YAML key yes becomes "true"': { files: ['a:\n  yes: 1\n  n: 2\n'] },
  'YAML merge keys': { files: ['base: &b\n  x: 1\n  z: 2\nc:\n  x: 5\n  <<: *b\n  z: 3\nd:\n  <<: [*b, {w: 1, x: 9}]\n'] },
  'YAML merge key then --set': { files: ['base: &b {x: 1}\nc:\n  <<: *b\n'], set: ['c.y=2'] },
  'YAML block scalars and quoting': { files: ['a: |\n  line1\n  line2\nb: >-\n  folded\n  text\nc: \'it\'\'s\'\nd: "tab\\tnewline\\n"\ne: plain text with: colon\n'] },
  'YAML anchors and aliases': { files: ['a: &x [1, 2]\nb: *x\nc: &y {k: v}\nd: *y\n'] },
  'YAML explicit core tags': { files: ['a: !!str 10\nb: !!int "10"\nc: !!float 1\nd: !!bool "yes"\ne: !!str yes\n'] },
  'YAML special keys': { files: ['__proto__: {polluted: true}\nconstructor: 1\n'] },
  'YAML infinity (Helm refuses)': { files: ['a: .inf\n'] },
  'duplicate keys (stricter)': { files: ['a: 1\na: 2\n'] },
  'two documents (stricter)': { files: ['a: 1\n---\nb: 2\n'] },
  // --set-json.
  '--set-json values': { setJson: ['a={"b":[1,2.5e3,null],"c":"x"}', 'd=true', 'e=null', 'f=', 'g=-0', 'h=12345678901234567890', 'i="x,y"'] },
  '--set-json several with blanks': { setJson: ['a=1 , b=[1,2] ,c={"d":{}}'] },
  '--set-json index': { setJson: ['a[1]={"b":1}'] },
  '--set-json key with a space': { setJson: ['a=1, b=2'] },
  '--set-json invalid (Helm refuses)': { setJson: ['a=1x'] },
  '--set-json special keys': { setJson: ['a={"__proto__":{"x":1}}'] },
  // --set-file.
  '--set-file': { data: { f: 'hello\nworld\n', g: '' }, setFile: ['a={d}/f,b={d}/g'] },
  '--set-file list': { data: { f: 'x' }, setFile: ['a={{d}/f,{d}/f}'] },
  '--set-file from standard input': { stdin: 'piped', setFile: ['a=-'] },
  // --set-literal.
  '--set-literal keeps everything': { setLiteral: ['a.b=x,y=\\z{}', 'c=true', 'd[1]=5', 'e=', 'f=a=b'] },
  '--set-literal no escape in keys': { setLiteral: ['a\\.b=1'] },
  // Standard input.
  '-f - reads standard input': { files: ['a: 1\n', 'a: 2\nb: 3\n'], stdinFile: 1 },
  // Malformed (Helm refuses; so must we not accept them silently? only compared when Helm accepts).
  'key without value': { set: ['a'] },
  'key ending in a comma': { set: ['a,b=1'] },
  'double dot': { set: ['a..b=1'] },
  'empty key (stricter)': { set: ['=1'] },
  'leading dot (stricter)': { set: ['.a=1'] },
  'unterminated list': { set: ['a={1,2'] },
  'list then junk': { set: ['a={1}x'] },
  'negative index': { set: ['a[-1]=1'] },
  'bad index': { set: ['a[x]=1'] },
  'map into a list': { files: ['a: [1]\n'], set: ['a.b=1'] },
  'index into a map': { files: ['a: {b: 1}\n'], set: ['a[0]=1'] },
  'key below a scalar': { files: ['a: 1\n'], set: ['a.b=1'] },
  'deep key (31 levels)': { set: [`${Array.from({ length: 31 }, (_, i) => `k${i}`).join('.')}=1`] },
  'deep key (30 levels)': { set: [`${Array.from({ length: 30 }, (_, i) => `k${i}`).join('.')}=1`] },
};

