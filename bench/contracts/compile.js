#!/usr/bin/env node
// Compiles the benchmark's Solidity workloads (every *.sol in this directory) with solc-js,
// offline: the compiler is the `solc` npm package pinned in package.json / package-lock.json,
// loaded with require('solc'), never downloaded at compile time.
//
//   npm ci && node compile.js          write artifacts/<Contract>.json
//   node compile.js --check            recompile and fail if artifacts/ is stale
//
// Settings are explicit, not solc's defaults (which change between releases): EVM version
// "cancun", optimizer enabled with 200 runs, no metadata hash appended to the bytecode.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const HERE = __dirname;
const OUT = path.join(HERE, "artifacts");
const PINNED = require("./package.json").dependencies.solc;

const SETTINGS = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 200 },
  metadata: { bytecodeHash: "none" },
  outputSelection: {
    "*": {
      "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"],
    },
  },
};

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function compile() {
  const version = solc.version();
  if (!version.startsWith(PINNED + "+")) {
    throw new Error(`solc ${version} loaded, package.json pins ${PINNED}: run npm ci`);
  }
  const files = fs.readdirSync(HERE).filter((f) => f.endsWith(".sol")).sort();
  const sources = {};
  for (const f of files) sources[f] = { content: fs.readFileSync(path.join(HERE, f), "utf8") };
  const input = { language: "Solidity", sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  for (const e of output.errors || []) process.stderr.write(e.formattedMessage + "\n");
  if (errors.length) throw new Error(`${errors.length} compilation error(s)`);

  const artifacts = {};
  for (const f of files) {
    for (const [name, c] of Object.entries(output.contracts[f])) {
      artifacts[name + ".json"] = JSON.stringify({
        contractName: name,
        sourceName: f,
        sourceSha256: sha256(sources[f].content),
        compiler: {
          name: "solc-js",
          version,
          settings: { evmVersion: SETTINGS.evmVersion, optimizer: SETTINGS.optimizer,
                      metadata: SETTINGS.metadata },
        },
        abi: c.abi,
        methodIdentifiers: c.evm.methodIdentifiers,
        bytecode: "0x" + c.evm.bytecode.object,
        deployedBytecode: "0x" + c.evm.deployedBytecode.object,
      }, null, 2) + "\n";
    }
  }
  return artifacts;
}

function main() {
  const check = process.argv.includes("--check");
  const artifacts = compile();
  if (check) {
    let stale = 0;
    for (const [file, text] of Object.entries(artifacts)) {
      const p = path.join(OUT, file);
      if (!fs.existsSync(p) || fs.readFileSync(p, "utf8") !== text) {
        process.stderr.write(`stale: artifacts/${file}\n`);
        stale++;
      }
    }
    if (stale) process.exit(1);
    process.stdout.write(`${Object.keys(artifacts).length} artifacts up to date\n`);
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  for (const [file, text] of Object.entries(artifacts)) {
    fs.writeFileSync(path.join(OUT, file), text);
    process.stdout.write(`wrote artifacts/${file}\n`);
  }
}

main();
