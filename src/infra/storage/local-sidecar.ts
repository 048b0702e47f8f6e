import type { BigIntStats } from 'node:fs';
import fsp from 'node:fs/promises';
import { isMissing, removeQuietly, tempPathFor } from './local-files';

/**
 * The local store's metadata: `<file>.meta.json` beside each object (extended attributes are not
 * available everywhere, and tar/rsync drop them). The data file's rename is what publishes an
 * object, and a sidecar cannot be renamed in the same step, so the sidecar names the inode and
 * size it describes: one that does not match the file (an overwrite half done, a crash between
 * the two renames) is ignored instead of lying about the object.
 */

interface Sidecar {
  v: 1;
  /** Decimal string: inode numbers can exceed 2^53. */
  ino: string;
  size: number;
  sha256: string;
  contentType?: string;
}

export type SidecarFields = Omit<Sidecar, 'v' | 'ino'>;

export const sidecarPathOf = (file: string): string => `${file}.meta.json`;

/**
 * Writes the sidecar for the data file that will carry inode `ino`, atomically. Not fsynced: the
 * caller syncs the directory after publishing the data file, and a sidecar a crash left empty or
 * torn fails to parse and is ignored like a stale one (the object then has no sha256 to vouch for
 * until it is hashed again), so the sync would buy nothing for its cost on every object.
 */
export async function writeSidecar(file: string, ino: bigint, fields: SidecarFields): Promise<void> {
  const sidecar: Sidecar = { v: 1, ino: ino.toString(), ...fields };
  const target = sidecarPathOf(file);
  const tmp = tempPathFor(target);
  try {
    await fsp.writeFile(tmp, JSON.stringify(sidecar), { flag: 'wx' });
    await fsp.rename(tmp, target);
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
}

/** The sidecar of the file whose stats are `stat`, or undefined when absent, unreadable or stale. */
export async function readSidecar(file: string, stat: BigIntStats): Promise<SidecarFields | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(sidecarPathOf(file), 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const sidecar = parse(text);
  if (!sidecar || BigInt(sidecar.size) !== stat.size) return undefined;
  // Some file systems report inode 0 for everything; there only the size can be compared.
  if (stat.ino !== 0n && sidecar.ino !== stat.ino.toString()) return undefined;
  return { size: sidecar.size, sha256: sidecar.sha256, ...(sidecar.contentType ? { contentType: sidecar.contentType } : {}) };
}

function parse(text: string): Sidecar | undefined {
  try {
    const s = JSON.parse(text) as Partial<Sidecar>;
    const ok = s.v === 1 && typeof s.ino === 'string' && Number.isSafeInteger(s.size) && typeof s.sha256 === 'string';
    return ok && (s.contentType === undefined || typeof s.contentType === 'string') ? (s as Sidecar) : undefined;
  } catch {
    return undefined;
  }
}
