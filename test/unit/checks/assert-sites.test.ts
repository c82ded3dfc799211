import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSites, findRawAsserts, matchParen } from '../../../src/engine/checks/assert-sites';

// Expanded text in the shapes gcc -E gives for static_assert and BUILD_BUG_ON in 6.12.
const TEXT = `
_Static_assert(__builtin_offsetof(struct page, pp) == __builtin_offsetof(struct net_iov, pp), "offsetof(struct page, pp) == offsetof(struct net_iov, pp)");
static inline void f(void)
{
 do { __attribute__((__noreturn__)) extern void __compiletime_assert_123(void) __attribute__((__error__("BUILD_BUG_ON failed: " "sizeof(struct x) > (8)"))); if (!(!(sizeof(struct x) > (8)))) __compiletime_assert_123(); } while (0);
 do { __attribute__((__noreturn__)) extern void __compiletime_assert_124(void) __attribute__((__error__("Unsupported access size for {READ,WRITE}_ONCE()."))); if (!((sizeof(v) == sizeof(char)))) __compiletime_assert_124(); } while (0);
}
_Static_assert(, "");
_Static_assert(1 == (2
`;

test('finds _Static_assert and BUILD_BUG_ON shapes with their conditions and messages', () => {
  const raw = findRawAsserts(TEXT);
  assert.equal(raw.length, 5);
  assert.equal(TEXT.slice(raw[0].condStart, raw[0].condEnd), '__builtin_offsetof(struct page, pp) == __builtin_offsetof(struct net_iov, pp)');
  assert.equal(raw[0].message, 'offsetof(struct page, pp) == offsetof(struct net_iov, pp)');
  assert.equal(TEXT.slice(raw[1].condStart, raw[1].condEnd), '!(sizeof(struct x) > (8))');
  assert.equal(raw[1].message, 'BUILD_BUG_ON failed: sizeof(struct x) > (8)');
  assert.equal(raw[4].condEnd, -1);
});

test('sites: READ_ONCE guards are not layout asserts; empty and unclosed ones are unreadable, not failures', () => {
  const line = (o: number) => TEXT.slice(0, o).split('\n').length;
  const sites = assertSites(TEXT, {
    position: (o) => ({ file: 't.h', line: line(o), column: 1, macro: line(o) === 5 ? { name: 'BUILD_BUG_ON', args: ['sizeof(struct x) > 8'] } : line(o) === 6 ? { name: 'READ_ONCE', args: ['v'] } : undefined }),
    parseCondition: (t) => (t.includes('__builtin_offsetof') ? { k: 'int', value: 1n, type: { bits: 32, signed: true } } : { reason: `cannot read ${t}` }),
  });
  assert.deepEqual(sites.map((s) => [s.kind, s.at.line, !!s.unreadable]), [
    ['static_assert', 2, false], ['BUILD_BUG_ON', 5, true], ['static_assert', 8, true], ['static_assert', 9, true],
  ]);
  assert.match(sites[2].unreadable!, /empty/);
  assert.match(sites[3].unreadable!, /unbalanced/);
});

test('matchParen skips parentheses inside string and character literals', () => {
  const t = `( ")(" ')' (x) )`;
  assert.equal(matchParen(t, 0), t.length);
});
