// Rules have stable ids (used in SARIF, settings and suppressions), a default
// severity and a one-line description. Findings carry machine-readable fixes.
import { SourcePosition } from './layout-view';

export type Severity = 'error' | 'warning' | 'info';

export interface RuleInfo {
  id: string;
  severity: Severity;
  title: string;
  help: string;
}

export const RULES = {
  assertFails: {
    id: 'overlay/assert-fails', severity: 'error', title: 'static assertion fails',
    help: 'A static_assert / BUILD_BUG_ON that the kernel build would reject under this configuration.',
  },
  mirrorSize: {
    id: 'overlay/mirror-size-mismatch', severity: 'error', title: 'mirrored field has a different size',
    help: 'An asserted mirror starts at the same offset but is narrower than the field it mirrors (e.g. atomic_t for atomic_long_t): the offset assert still passes, the value is truncated.',
  },
  mirrorType: {
    id: 'overlay/mirror-type-differs', severity: 'info', title: 'mirrored field has a different type of the same size',
    help: 'Same offset and size, different type spelling. Usually deliberate (a pointer over an unsigned long); shown so a reviewer can confirm.',
  },
  unasserted: {
    id: 'overlay/unasserted-field', severity: 'warning', title: 'field overlays the other struct without an assert',
    help: 'The field shares bytes with the struct it overlays but no offset assert ties them: a change to either struct goes unnoticed by the build. A warning when the overlay mirrors a sub-struct (net_iov over the page_pool fields of struct page); info when the descriptor owns the whole struct (slab, ptdesc, folio), where reuse is by design.',
  },
  spills: {
    id: 'overlay/outside-region', severity: 'error', title: 'field lies outside the region it mirrors',
    help: 'The overlaying struct reaches bytes of the base struct outside the sub-struct its asserted fields live in (e.g. past the page_pool fields of struct page).',
  },
  groupOffset: {
    id: 'overlay/group-offset', severity: 'error', title: 'a shared struct_group_tagged() group is at another offset',
    help: 'The overlaying struct embeds a group of the base struct by its tag (struct_group_tagged()), so its fields mirror the group\'s one for one, but the group does not start at the offset it has in the base struct: every field of it lies over other fields.',
  },
  tooLarge: {
    id: 'overlay/larger-than-region', severity: 'error', title: 'struct is larger than the space it overlays',
    help: 'sizeof the overlaying struct exceeds the end of the region it mirrors.',
  },
  taggedAlign: {
    id: 'overlay/tag-bit-alignment', severity: 'error', title: 'tagged pointer type too weakly aligned for its tag bits',
    help: 'Pointers to this type carry tag bits in their low bits (e.g. NET_IOV in netmem_ref); _Alignof the type must exceed the tag mask or a real pointer could have the tag bit set.',
  },
  configOnly: {
    id: 'overlay/config-dependent', severity: 'error', title: 'finding only under some configurations',
    help: 'Reported by a sweep: the finding appears under some of the swept configurations/architectures only.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = (typeof RULES)[keyof typeof RULES]['id'];

export function ruleById(id: string): RuleInfo | undefined {
  return Object.values(RULES).find((r) => r.id === id);
}

/** A machine-readable fix: insert a line, or replace a range. */
export interface Fix {
  description: string;
  file: string;
  /** 1-based line before which `text` is inserted (a whole line, without newline) */
  insertBeforeLine: number;
  text: string;
}

/** Another place worth showing beside a finding: the partner field, the assert, the region. */
export type Related = SourcePosition & { message: string };

/**
 * Where a field must go for a failing mirror assert to hold: `field` of `struct` is at byte `from` and
 * must be at `to`; `at` is the member of that struct now starting at `to` (`place: 'at'`), or the last one
 * before it (`'after'`).
 */
export interface Move {
  struct: string;
  field: string;
  from: number;
  to: number;
  at?: SourcePosition & { member: string; place: 'at' | 'after' };
}

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  message: string;
  fix?: Fix;
  /** other places worth showing (the partner field, the assert, the region...) */
  related?: Related[];
  /** a failing mirror assert: where the overlaying struct's field must go */
  move?: Move;
  /** sweep: the configurations under which this finding was seen (absent: all) */
  onlyUnder?: string[];
  /** stable key for de-duplication across configs */
  key: string;
}
