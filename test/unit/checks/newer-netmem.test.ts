// netmem.h as kernels after the 6.12 fixture write it, on a copy of the sample
// tree, through the whole engine. 6.13-6.16: net_iov's first word is its
// `type` (an enum forced to unsigned long), over page.flags, in front of the
// page_pool fields it mirrors. 6.17: struct netmem_desc mirrors struct page
// (NETMEM_DESC_ASSERT_OFFSET), and net_iov holds a whole netmem_desc in its
// first union beside the same fields spelled out (NET_IOV_ASSERT_OFFSET), then
// fields of its own. Both were once reported as errors (outside-region) on
// trees the kernel builds; a real mistake in the mirror is still caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { withSampleCopy } from '../../support/sample-tree';

const FIELDS = ['unsigned long _flags;', 'unsigned long pp_magic;', 'struct page_pool *pp;', 'unsigned long _pp_mapping_pad;', 'unsigned long dma_addr;', 'atomic_long_t pp_ref_count;'];
const NAMES = ['_flags', 'pp_magic', 'pp', '_pp_mapping_pad', 'dma_addr', 'pp_ref_count'];

function netmem617(mirror = FIELDS): string {
  return `struct netmem_desc {
${FIELDS.map((f) => `\t${f}`).join('\n')}
};

#define NETMEM_DESC_ASSERT_OFFSET(pg, desc) \\
	static_assert(offsetof(struct page, pg) == offsetof(struct netmem_desc, desc))
${['flags', ...NAMES.slice(1)].map((pg, i) => `NETMEM_DESC_ASSERT_OFFSET(${pg}, ${NAMES[i]});`).join('\n')}
#undef NETMEM_DESC_ASSERT_OFFSET

struct net_iov {
	union {
		struct netmem_desc desc;
		struct {
${mirror.map((f) => `\t\t\t${f}`).join('\n')}
		};
	};
	struct dmabuf_chunk_owner *owner;
	int type;
};

#define NET_IOV_ASSERT_OFFSET(desc, iov) \\
	static_assert(offsetof(struct netmem_desc, desc) == offsetof(struct net_iov, iov))
${NAMES.map((n) => `NET_IOV_ASSERT_OFFSET(${n}, ${n});`).join('\n')}
#undef NET_IOV_ASSERT_OFFSET

`;
}

test('6.13-6.16-shaped netmem.h: net_iov.type over page.flags is an info, owner the one warning, no error', async () => {
  await withSampleCopy('ol-netmem-type-', async (tree) => {
    const netmem = path.join(tree, 'include/net/netmem.h');
    const text = fs.readFileSync(netmem, 'utf8');
    const newer = text.replace('struct net_iov {\n\tunsigned long __unused_padding;', `#define ULONG_MAX (~0UL)
enum net_iov_type {
	NET_IOV_DMABUF,
	NET_IOV_IOURING,
	/* Force size to unsigned long to make the NET_IOV_ASSERTS below pass. */
	NET_IOV_MAX = ULONG_MAX
};

struct net_iov {
	enum net_iov_type type;`);
    assert.notEqual(newer, text, 'the sample\'s net_iov starts with its padding word');
    fs.writeFileSync(netmem, newer);
    const p = await OverlayProject.open({ srcDir: tree });
    const r = p.check([netmem]);
    assert.deepEqual(r.asserts.map((a) => a.status), ['pass', 'pass', 'pass', 'pass'], JSON.stringify(r.asserts.map((a) => a.reason)));
    const niov = r.mirrors.find((m) => m.pair.a === 'page' && m.pair.b === 'net_iov')!;
    assert.equal(niov.b.size, 48);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.severity, f.message.split(' ')[0]]), [
      ['overlay/unasserted-field', 'info', 'net_iov.type'],
      ['overlay/unasserted-field', 'warning', 'net_iov.owner'],
    ]);
  });
});

test('6.17-shaped netmem.h: page ◀ netmem_desc ◀ net_iov, net_iov\'s own fields past its netmem_desc are no finding; a swap in the mirror is', async () => {
  await withSampleCopy('ol-netmem-desc-', async (tree) => {
    const netmem = path.join(tree, 'include/net/netmem.h');
    const text = fs.readFileSync(netmem, 'utf8');
    const start = text.indexOf('struct net_iov {'), end = text.indexOf('#undef NET_IOV_ASSERT_OFFSET');
    assert.ok(start > 0 && end > start, 'the sample\'s net_iov and its asserts');
    const newer = (mirror?: string[]) => text.slice(0, start) + netmem617(mirror) + text.slice(end + '#undef NET_IOV_ASSERT_OFFSET'.length);
    fs.writeFileSync(netmem, newer());
    const p = await OverlayProject.open({ srcDir: tree });
    const r = p.check([netmem]);
    assert.deepEqual(r.asserts.map((a) => a.status), Array(12).fill('pass'), JSON.stringify(r.asserts.map((a) => a.reason)));
    const pairs = r.mirrors.map((m) => `${m.pair.a}◀${m.pair.b}`);
    assert.ok(pairs.includes('page◀netmem_desc') && pairs.includes('netmem_desc◀net_iov'), pairs.join(', '));
    const niov = r.mirrors.find((m) => m.pair.b === 'net_iov')!;
    const status = Object.fromEntries(niov.rows.map((row) => [row.field.path, row.status]));
    assert.equal(status.desc, 'whole');
    assert.equal(status.owner, 'own');
    assert.equal(status.type, 'own');
    assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.message}`), [], 'no finding on the tree as 6.17 has it');

    // pp and _pp_mapping_pad swapped in net_iov's spelled-out mirror: both asserts fail, nothing else is said
    const swapped = [...FIELDS];
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    p.setFileText(netmem, newer(swapped));
    const bad = p.check([netmem]);
    assert.deepEqual(bad.asserts.filter((a) => a.status === 'fail').map((a) => a.site.macro?.args.join(',')), ['pp,pp', '_pp_mapping_pad,_pp_mapping_pad']);
    assert.deepEqual(bad.findings.map((f) => f.rule), ['overlay/assert-fails', 'overlay/assert-fails']);
  });
});
