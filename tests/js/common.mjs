// What the JavaScript client scripts share: the committed contract artifacts, dev key 0 of the
// `test test ... junk` mnemonic, JSON with big integers as decimal strings, and the way a script
// ends (its result as one JSON line on stdout, exit 0; an unexpected error on stderr, exit 1).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export const artifact = (name) =>
  JSON.parse(readFileSync(path.join(here, "..", "contracts", "build", `${name}.json`), "utf8"));

export const KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const SUPPLY = 10n ** 24n;

const bigintsAsStrings = (_, x) => (typeof x === "bigint" ? x.toString() : x);
export const plain = (v) => JSON.parse(JSON.stringify(v, bigintsAsStrings));

export function report(main) {
  return main().then(
    (out) => {
      process.stdout.write(JSON.stringify(out, bigintsAsStrings) + "\n");
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
