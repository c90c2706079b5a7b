// Hardhat 3 config for bench/rpc.py's `hardhat node` peer: an in-process EDR chain with
// pydevnet's settings (chain id 31337, the `test test ... junk` accounts with 10,000 ETH, which
// are Hardhat's defaults, Cancun rules, automine). The node task writes an artifacts/build-info
// directory it watches; bench/rpc.py points it at a temporary directory through
// PYDEVNET_BENCH_HARDHAT_DIR so the repository stays clean.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "hardhat/config";

const scratch = process.env.PYDEVNET_BENCH_HARDHAT_DIR ??
  path.join(os.tmpdir(), "pydevnet-bench-hardhat");

export default defineConfig({
  paths: {
    artifacts: path.join(scratch, "artifacts"),
    cache: path.join(scratch, "cache"),
  },
  networks: {
    node: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 31337,
      hardfork: "cancun",
      mining: { auto: true, interval: 0 },
    },
  },
});
