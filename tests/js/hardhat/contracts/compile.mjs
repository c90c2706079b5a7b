// Compiles contracts/*.sol (OpenZeppelin imported from this project's node_modules) with the
// solc-js of tests/js (offline) into contracts/build/<Name>.json: abi, bytecode, deployed bytecode
// and storage layout. The artifacts are committed, so the tests never compile.
// Usage, from tests/js/hardhat: node contracts/compile.mjs
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, "..", "node_modules");
const solc = createRequire(import.meta.url)(path.join(here, "..", "..", "node_modules", "solc"));
const EVM_VERSION = "cancun";
const OPTIMIZER = { enabled: true, runs: 200 };

const sources = {};
for (const f of readdirSync(here).filter((f) => f.endsWith(".sol"))) {
  sources[f] = { content: readFileSync(path.join(here, f), "utf8") };
}
const findImports = (name) => {
  try {
    return { contents: readFileSync(path.join(modules, name), "utf8") };
  } catch (e) {
    return { error: `${name}: ${e.message}` };
  }
};
const input = {
  language: "Solidity",
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: OPTIMIZER,
    outputSelection: {
      "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "storageLayout"] },
    },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  process.exit(1);
}
mkdirSync(path.join(here, "build"), { recursive: true });
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(out.contracts[file])) {
    const storage = c.storageLayout.storage.map(({ label, slot, type }) => ({ label, slot, type }));
    const artifact = {
      contractName: name, sourceName: file, compiler: `solc-js ${solc.version()}`,
      evmVersion: EVM_VERSION, optimizer: OPTIMIZER, abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      deployedBytecode: "0x" + c.evm.deployedBytecode.object, storage,
    };
    const target = path.join(here, "build", `${name}.json`);
    writeFileSync(target, JSON.stringify(artifact, null, 2) + "\n");
    console.log(`build/${name}.json`);
  }
}
