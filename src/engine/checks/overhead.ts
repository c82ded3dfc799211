// What a descriptor array costs: the review question "if each represents 4096
// bytes and you're registering 10MB, then you need 30 pages worth of memory
// just for the iov array", and struct page's share of all memory.

export interface Overhead {
  struct: string;
  descriptorBytes: number;
  pageSize: number;
  /** descriptor bytes per PAGE_SIZE of backing memory, in percent */
  percent: number;
  region?: { bytes: number; descriptors: number; arrayBytes: number; arrayPages: number };
}

export function overhead(struct: string, descriptorBytes: number, pageSize: number, regionBytes?: number): Overhead {
  const o: Overhead = { struct, descriptorBytes, pageSize, percent: (descriptorBytes / pageSize) * 100 };
  if (regionBytes !== undefined) {
    const descriptors = Math.ceil(regionBytes / pageSize);
    const arrayBytes = descriptors * descriptorBytes;
    o.region = { bytes: regionBytes, descriptors, arrayBytes, arrayPages: Math.ceil(arrayBytes / pageSize) };
  }
  return o;
}

/** "10M", "10MiB", "4096", "2G" → bytes (binary units, as the kernel counts) */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

export function formatOverhead(o: Overhead): string {
  const pct = o.percent.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  let s = `struct ${o.struct}: ${o.descriptorBytes} B per ${o.pageSize} B page = ${pct}% of the memory it describes`;
  if (o.region) {
    s += `; ${o.region.bytes} B region: ${o.region.descriptors} descriptors, ${o.region.arrayBytes} B array = ${o.region.arrayPages} pages`;
  }
  return s;
}
