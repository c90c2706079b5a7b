// Hardhat 3 project for tests/integration/test_hardhat_client.py: Hardhat as a client of a
// running pydevnet through an `http` network. The URL is a Hardhat config variable read from the
// environment (PYDEVNET_URL, set by the pytest fixture). Nothing is compiled: the script deploys
// the committed artifacts of tests/contracts/build/, so Hardhat never downloads a solc. The cache
// and artifacts directories Hardhat may create go to PYDEVNET_HARDHAT_DIR (a pytest tmp dir) so
// the repository stays clean.
import os from "node:os";
import path from "node:path";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";

const scratch = process.env.PYDEVNET_HARDHAT_DIR ??
  path.join(os.tmpdir(), "pydevnet-hardhat-client");

export default defineConfig({
  plugins: [hardhatEthers],
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
