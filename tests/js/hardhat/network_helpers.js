// @nomicfoundation/hardhat-network-helpers against a running pydevnet, the way a Hardhat test
// suite uses them on an external node (`networkHelpers` of a Hardhat 3 network connection):
//   PYDEVNET_URL=http://127.0.0.1:8545 node node_modules/hardhat/dist/src/cli.js \
//     run --network devnet --no-compile network_helpers.js
// loadFixture (the fixture runs once, later calls restore its snapshot), time.latest /
// latestBlock / increase / increaseTo / setNextBlockTimestamp, mine(n, {interval}) and mineUpTo,
// setBalance / setCode / setNonce / setStorageAt / getStorageAt, impersonateAccount /
// stopImpersonatingAccount, takeSnapshot().restore() (twice), setCoinbase / setPrevRandao /
// setBlockGasLimit / setNextBlockBaseFeePerGas, dropTransaction, with ethers v6 and an
// OpenZeppelin ERC20 (contracts/HelperToken.sol, artifact committed in contracts/build). The
// helpers refuse a node whose web3_clientVersion does not start with hardhat/anvil/zksync: the
// first answer records it. The last stdout line is one JSON object (big integers as decimal
// strings); an unexpected failure exits non-zero with the error on stderr.
import { readFileSync } from "node:fs";
import { network } from "hardhat";

import { plain } from "../common.mjs";

const HELPER_TOKEN = JSON.parse(
  readFileSync(new URL("./contracts/build/HelperToken.json", import.meta.url), "utf8"));
const WHALE = "0x000000000000000000000000000000000000bEEF"; // no key: only impersonation sends
const SUPPLY = 10n ** 24n;
const LOCKED = 5000n;
const LOCK_SECONDS = 86400n;
// PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: any call answers the word 42
const ANSWER_CODE = "0x602a60005260206000f3";

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return { name: e.name ?? null, message: String(e.message ?? e).split("\n")[0],
             data: e.data ?? null };
  }
  throw new Error("expected a failure, it succeeded");
}

// the storage slot of mapping `_balances` (per the artifact's layout) for `holder`
function balanceSlot(ethers, holder) {
  const slot = HELPER_TOKEN.storage.find((s) => s.label === "_balances").slot;
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(
    ["address", "uint256"], [holder, slot])));
}

async function block(ethers, tag = "latest") {
  const b = await ethers.provider.getBlock(tag);
  return { number: b.number, timestamp: b.timestamp };
}

async function fixtures(ethers, h) {
  let runs = 0;
  async function deployHelperToken() {
    runs += 1;
    const [owner, alice] = await ethers.getSigners();
    const startedAt = await h.time.latest();
    const unlock = BigInt(startedAt) + LOCK_SECONDS;
    const factory = new ethers.ContractFactory(HELPER_TOKEN.abi, HELPER_TOKEN.bytecode, owner);
    const token = await factory.deploy(SUPPLY, LOCKED, alice.address, unlock);
    await token.waitForDeployment();
    await (await token.transfer(alice.address, 1000n)).wait();
    return { token, unlock, startedAt };
  }
  const first = await h.loadFixture(deployHelperToken);
  const address = await first.token.getAddress();
  const [owner, alice, bob] = await ethers.getSigners();
  const atFixture = await block(ethers);
  await (await first.token.connect(alice).transfer(bob.address, 400n)).wait();
  await h.mine(3);
  const changed = { block: (await block(ethers)).number,
                    bob: await first.token.balanceOf(bob.address) };
  const again = await h.loadFixture(deployHelperToken);
  const reused = {
    sameAddress: (await again.token.getAddress()) === address,
    block: (await block(ethers)).number,
    alice: await again.token.balanceOf(alice.address),
    bob: await again.token.balanceOf(bob.address),
    owner: await again.token.balanceOf(owner.address),
  };
  await h.loadFixture(deployHelperToken); // a third call restores again, still without running it
  return { token: again.token, unlock: again.unlock,
           out: plain({ runs, address, name: await again.token.name(), unlock: again.unlock,
                        startedAt: again.startedAt, atFixture, changed, reused }) };
}

async function timeHelpers(ethers, h, token, unlock) {
  const [, alice] = await ethers.getSigners();
  const start = await block(ethers);
  const latest = await h.time.latest();
  const latestBlock = await h.time.latestBlock();
  const early = await failure(token.release.staticCall());
  const increased = await h.time.increase(3600);
  const afterIncrease = await block(ethers);
  await h.time.increaseTo(unlock - 10n);
  const afterIncreaseTo = await block(ethers);
  const stillLocked = await failure(token.release.staticCall());
  await h.time.setNextBlockTimestamp(unlock);
  const receipt = await (await token.release()).wait();
  const releaseBlock = await block(ethers, receipt.blockNumber);
  return plain({
    start, latest, latestBlock, increased, afterIncrease, afterIncreaseTo, releaseBlock,
    unlock, early: token.interface.parseError(early.data)?.name ?? early.message,
    stillLocked: token.interface.parseError(stillLocked.data)?.name ?? stillLocked.message,
    released: { status: receipt.status, alice: await token.balanceOf(alice.address),
                contract: await token.balanceOf(await token.getAddress()) },
  });
}

async function mining(ethers, h) {
  const before = await block(ethers);
  await h.mine(5, { interval: 60 });
  const blocks = [];
  for (let n = before.number + 1; n <= before.number + 5; n++) blocks.push(await block(ethers, n));
  const afterMine = await block(ethers);
  await h.mineUpTo(afterMine.number + 4);
  return { before, blocks, afterMine, afterMineUpTo: await block(ethers) };
}

async function accountHelpers(ethers, h, token) {
  const [owner, , , carol] = await ethers.getSigners();
  const fresh = ethers.getAddress("0x00000000000000000000000000000000000c0de1");
  const clone = ethers.getAddress("0x00000000000000000000000000000000000c0de2");
  await h.setBalance(fresh, 123456789n);
  await h.setNonce(fresh, 42);
  await h.setCode(fresh, ANSWER_CODE);
  const answer = await ethers.provider.call({ to: fresh, data: "0x" });
  // the token's runtime at another address, its balance given through its storage
  await h.setCode(clone, HELPER_TOKEN.deployedBytecode);
  const cloned = new ethers.Contract(clone, HELPER_TOKEN.abi, owner);
  await h.setStorageAt(clone, balanceSlot(ethers, carol.address), 777n);
  // the real token: rewrite carol's balance in place, read _totalSupply raw
  await h.setStorageAt(await token.getAddress(), balanceSlot(ethers, carol.address), 31337n);
  const totalSupplySlot = HELPER_TOKEN.storage.find((s) => s.label === "_totalSupply").slot;
  return plain({
    balance: await ethers.provider.getBalance(fresh),
    nonce: await ethers.provider.getTransactionCount(fresh),
    code: await ethers.provider.getCode(fresh), answer,
    clonedCarol: await cloned.balanceOf(carol.address),
    carol: await token.balanceOf(carol.address),
    carolSlot: await h.getStorageAt(await token.getAddress(), balanceSlot(ethers, carol.address)),
    totalSupplyRaw: await h.getStorageAt(await token.getAddress(), BigInt(totalSupplySlot)),
  });
}

async function impersonation(ethers, h, token) {
  const [owner, , bob] = await ethers.getSigners();
  await h.setBalance(WHALE, ethers.parseEther("5"));
  await (await token.connect(owner).transfer(WHALE, 2500n)).wait();
  await h.impersonateAccount(WHALE);
  const whale = await ethers.getSigner(WHALE);
  const receipt = await (await token.connect(whale).transfer(bob.address, 1500n)).wait();
  await h.stopImpersonatingAccount(WHALE);
  const refused = await failure(token.connect(whale).transfer(bob.address, 1n));
  return plain({ from: receipt.from, status: receipt.status,
                 whale: await token.balanceOf(WHALE), bob: await token.balanceOf(bob.address),
                 refused });
}

async function snapshots(ethers, h, token) {
  const [owner, alice] = await ethers.getSigners();
  const snapshot = await h.takeSnapshot();
  const before = { block: (await block(ethers)).number,
                   alice: await token.balanceOf(alice.address) };
  const rounds = [];
  for (let i = 0; i < 2; i++) { // restore() takes a new snapshot, so it works again
    await (await token.connect(owner).transfer(alice.address, 99n)).wait();
    await h.mine(2);
    const inside = { block: (await block(ethers)).number,
                     alice: await token.balanceOf(alice.address) };
    await snapshot.restore();
    rounds.push({ inside, block: (await block(ethers)).number,
                  alice: await token.balanceOf(alice.address) });
  }
  return plain({ id: snapshot.snapshotId, before, rounds });
}

// the next block's coinbase, prevrandao, gas limit and base fee; each put back afterwards
async function blockSettings(ethers, h, provider) {
  const mixHash = async () =>
    (await provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] })).mixHash;
  const coinbase = ethers.getAddress("0x00000000000000000000000000000000c014ba5e");
  const randao = ethers.zeroPadValue("0x1234", 32);
  const gwei = 10n ** 9n;
  const before = await ethers.provider.getBlock("latest");
  await h.setCoinbase(coinbase);
  await h.setPrevRandao(randao);
  await h.setBlockGasLimit(25_000_000n);
  await h.setNextBlockBaseFeePerGas(30n * gwei);
  await h.mine();
  const b = await ethers.provider.getBlock("latest");
  const setRandao = await mixHash();
  await h.setCoinbase(before.miner);
  await h.setBlockGasLimit(before.gasLimit);
  await h.setNextBlockBaseFeePerGas(before.baseFeePerGas);
  await h.mine();
  const after = await ethers.provider.getBlock("latest");
  const afterRandao = await mixHash();
  return plain({ before: { miner: before.miner, gasLimit: before.gasLimit,
                           baseFee: before.baseFeePerGas },
                 set: { miner: b.miner, prevRandao: setRandao, gasLimit: b.gasLimit,
                        baseFee: b.baseFeePerGas },
                 after: { miner: after.miner, gasLimit: after.gasLimit,
                          baseFee: after.baseFeePerGas, prevRandao: afterRandao } });
}

// dropTransaction: a transaction pooled while automine is off leaves the pool
async function dropping(ethers, h, provider) {
  const [owner, , bob] = await ethers.getSigners();
  await provider.request({ method: "evm_setAutomine", params: [false] });
  const tx = await owner.sendTransaction({ to: bob.address, value: 1n });
  const pooled = (await ethers.provider.getTransaction(tx.hash)) !== null;
  const dropped = await h.dropTransaction(tx.hash);
  const gone = (await ethers.provider.getTransaction(tx.hash)) === null;
  await provider.request({ method: "evm_setAutomine", params: [true] });
  await h.mine();
  const block = await ethers.provider.getBlock("latest");
  return { pooled, dropped, gone, minedAfter: block.transactions.length };
}

async function main() {
  const { ethers, networkHelpers: h, provider } = await network.create();
  const out = { clientVersion: await provider.request({ method: "web3_clientVersion" }) };
  const { token, unlock, out: fixture } = await fixtures(ethers, h);
  out.fixture = fixture;
  out.time = await timeHelpers(ethers, h, token, unlock);
  out.mine = await mining(ethers, h);
  out.accounts = await accountHelpers(ethers, h, token);
  out.impersonation = await impersonation(ethers, h, token);
  out.snapshot = await snapshots(ethers, h, token);
  out.blockSettings = await blockSettings(ethers, h, provider);
  out.drop = await dropping(ethers, h, provider);
  console.log(JSON.stringify(out));
}

await main();
