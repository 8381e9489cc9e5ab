// Every .gasm file under dir, recursively, sorted.
import { readdirSync } from 'node:fs';

export function gasmFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? gasmFiles(`${dir}/${e.name}`) : e.name.endsWith('.gasm') ? [`${dir}/${e.name}`] : []))
    .sort();
}
