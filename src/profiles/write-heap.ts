/** Go's `WriteHeapProfile`. */
import { ProfileNotAvailableError } from './errors';
import { lookup } from './registry';
import { checkWritable } from './write-stream';

/** Go's `WriteHeapProfile(w)`: the same as `lookup('heap').writeTo(stream, 0)`. */
export async function writeHeapProfile(stream: NodeJS.WritableStream): Promise<void> {
  checkWritable(stream, 'writeHeapProfile');
  const heap = lookup('heap');
  if (heap === undefined) throw new ProfileNotAvailableError('heap', 'not registered');
  await heap.writeTo(stream, 0);
}
