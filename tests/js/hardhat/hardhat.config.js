// Hardhat 3 project for tests/integration/test_hardhat_client.py and
// test_toolchain_hardhat_helpers.py: Hardhat (hardhat-ethers, hardhat-network-helpers) as a
// client of a running pydevnet through an `http` network. The URL is a Hardhat config variable
// read from the environment (PYDEVNET_URL, set by the pytest fixture). Nothing is compiled: the
// scripts deploy committed artifacts (tests/contracts/build/, contracts/build/; the latter made
// by contracts/compile.mjs), so Hardhat never downloads a solc. The cache
// and artifacts directories Hardhat may create go to PYDEVNET_HARDHAT_DIR (a pytest tmp dir) so
// the repository stays clean.
import os from "node:os";
import path from "node:path";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";

const scratch = process.env.PYDEVNET_HARDHAT_DIR ??
  path.join(os.tmpdir(), "pydevnet-hardhat-client");

export default defineConfig({
  plugins: [hardhatEthers, hardhatNetworkHelpers],
  paths: {
    artifacts: path.join(scratch, "artifacts"),
    cache: path.join(scratch, "cache"),
  },
  networks: {
    devnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("PYDEVNET_URL"),
    },
  },
});
