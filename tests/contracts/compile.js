// Compiles the test contracts with solc-js (offline) into build/<Name>.json (abi + bytecode).
// Usage: node tests/contracts/compile.js   (solc comes from tests/js/node_modules)
const fs = require("fs");
const path = require("path");
const solc = require(path.join(__dirname, "..", "js", "node_modules", "solc"));

const dir = __dirname;
const sources = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".sol"))) {
  sources[f] = { content: fs.readFileSync(path.join(dir, f), "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  process.exit(1);
}
fs.mkdirSync(path.join(dir, "build"), { recursive: true });
for (const [file, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = {
      contractName: name, sourceName: file, compiler: `solc-js ${solc.version()}`,
      evmVersion: "cancun", optimizer: { enabled: true, runs: 200 },
      abi: c.abi, bytecode: "0x" + c.evm.bytecode.object,
      deployedBytecode: "0x" + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(dir, "build", `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    console.log(`build/${name}.json`);
  }
}
