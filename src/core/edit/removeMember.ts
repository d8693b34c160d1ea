// Removing an object member without taking its neighbours' bytes along. jsonc-parser removes from the end
// of the previous value to the end of the member: the previous member's `// comment` goes, the removed
// member's stays behind on the wrong key; and a first member takes the line break, indentation and any
// comment before it. Here a member on its own line(s) goes with exactly its lines.
import { findNodeAtLocation, parseTree, type Edit, type Node } from 'jsonc-parser';
import type { JsonPath } from '../source';

/** The member (property node) at `path` and its siblings, or null. */
function memberAt(text: string, path: JsonPath): { prop: Node; members: Node[] } | null {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const prop = (root && findNodeAtLocation(root, path))?.parent;
  const members = prop?.parent?.children;
  return prop && prop.type === 'property' && members ? { prop, members } : null;
}

/** The member's whole lines: from the line break before it to the end of its line (comma, comment). */
function ownLines(text: string, prop: Node): { start: number; end: number; comma: boolean } | null {
  const lineStart = text.lastIndexOf('\n', prop.offset - 1);
  if (lineStart < 0 || !/^[ \t]*$/.test(text.slice(lineStart + 1, prop.offset))) return null;
  const tail = /[ \t]*(,?)[ \t]*(\/\/[^\r\n]*)?/y;
  tail.lastIndex = prop.offset + prop.length;
  const m = tail.exec(text)!;
  const end = tail.lastIndex;
  if (end < text.length && text[end] !== '\r' && text[end] !== '\n') return null;
  const start = lineStart > 0 && text[lineStart - 1] === '\r' ? lineStart - 1 : lineStart;
  return { start, end, comma: m[1] === ',' };
}

/** Edits that delete the member at `path`, or null where jsonc-parser's own removal is as good. */
export function removeMember(text: string, path: JsonPath): Edit[] | null {
  const hit = memberAt(text, path);
  if (!hit) return null;
  const { prop, members } = hit;
  const i = members.indexOf(prop);
  const lines = ownLines(text, prop);
  if (lines) {
    const edits: Edit[] = [{ offset: lines.start, length: lines.end - lines.start, content: '' }];
    const prev = members[i - 1];
    // The last member leaves; the one before it becomes last and drops its comma (unless the file writes
    // trailing commas, as the removed member did).
    if (i === members.length - 1 && prev && !lines.comma) {
      const comma = /[ \t]*,/y;
      comma.lastIndex = prev.offset + prev.length;
      if (comma.exec(text)) edits.push({ offset: comma.lastIndex - 1, length: 1, content: '' });
    }
    return edits;
  }
  // Members sharing a line: a first member goes from its key to the next key, keeping what precedes it.
  if (i === 0 && members.length > 1) return [{ offset: prop.offset, length: members[1]!.offset - prop.offset, content: '' }];
  return null;
}
