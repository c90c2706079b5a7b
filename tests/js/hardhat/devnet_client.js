// Hardhat 3 against a running pydevnet, the way a Hardhat user scripts an external node:
//   PYDEVNET_URL=http://127.0.0.1:8545 node node_modules/hardhat/dist/src/cli.js \
//     run --network devnet --no-compile devnet_client.js
// Uses hardhat-ethers on `network.create()`: chain id and the 20 remote dev accounts, the Token
// deployed from its committed artifact (eth_sendTransaction from an unlocked account), transfers,
// a filtered Transfer query, a revert reason as Hardhat surfaces it, hardhat_setBalance,
// hardhat_impersonateAccount + a transaction from the impersonated address, evm_snapshot /
// evm_revert, evm_increaseTime + evm_mine. The last stdout line is one JSON object (big integers
// as decimal strings); any unexpected failure exits non-zero with the error on stderr.
import { network } from "hardhat";

import { SUPPLY, artifact, plain } from "../common.mjs";

const WHALE = "0x000000000000000000000000000000000000bEEF"; // no key: only impersonation sends

// The error a transaction or call must throw, reduced to what the test checks.
async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return { name: e.name ?? null, code: e.code ?? null, reason: e.reason ?? null,
             message: String(e.message ?? e).split("\n")[0], data: e.data ?? null };
  }
  throw new Error("expected a revert, it succeeded");
}

async function deploy(ethers, name, signer, ...args) {
  const build = artifact(name);
  const factory = await ethers.getContractFactory(build.abi, build.bytecode, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract;
}

async function main() {
  const { ethers, provider, networkName } = await network.create();
  const out = { networkName };
  out.chainId = (await ethers.provider.getNetwork()).chainId.toString();
  out.rawChainId = await provider.request({ method: "eth_chainId" });
  const signers = await ethers.getSigners();
  out.accounts = signers.map((s) => s.address);
  const [owner, alice, bob, carol] = signers;

  // deploy + transfers + a filtered event query
  const token = await deploy(ethers, "Token", owner, "Hardhat Token", "HHT", SUPPLY);
  const tokenAddress = await token.getAddress();
  out.token = { address: tokenAddress, name: await token.name(),
                deployer: (await token.deploymentTransaction().wait()).from };
  const t1 = await (await token.transfer(alice.address, 1000n)).wait();
  await (await token.connect(alice).transfer(bob.address, 300n)).wait();
  out.transfer = { status: t1.status, logs: t1.logs.length, hash: t1.hash };
  const toAlice = await token.queryFilter(token.filters.Transfer(owner.address, alice.address));
  const fromAlice = await token.queryFilter(token.filters.Transfer(alice.address));
  const all = await token.queryFilter(token.filters.Transfer(), 0, "latest");
  out.events = {
    all: all.length, ownerToAlice: toAlice.length, fromAlice: fromAlice.length,
    first: plain({ from: toAlice[0].args.from, to: toAlice[0].args.to,
                   value: toAlice[0].args.value, tx: toAlice[0].transactionHash }),
  };

  // revert reasons: a sent transaction (eth_estimateGas fails first) and a static call
  const reverter = await deploy(ethers, "Reverter", owner);
  out.reverts = {
    send: await failure(reverter.failRequire()),
    staticCall: await failure(reverter.failRevertString.staticCall()),
    allowance: await failure(token.connect(bob).transferFrom(owner.address, bob.address, 1n)),
  };
  const custom = await failure(reverter.failCustom.staticCall());
  const parsed = reverter.interface.parseError(custom.data);
  out.reverts.custom = plain({ name: parsed.name, args: [...parsed.args] });

  // hardhat_setBalance + hardhat_impersonateAccount: a keyless address sends ETH and tokens
  const ten = ethers.parseEther("10");
  out.setBalance = await provider.request({ method: "hardhat_setBalance",
                                             params: [WHALE, ethers.toQuantity(ten)] });
  out.whaleBalanceSet = (await ethers.provider.getBalance(WHALE)).toString();
  await (await token.transfer(WHALE, 5000n)).wait();
  out.impersonate = await provider.request({ method: "hardhat_impersonateAccount",
                                              params: [WHALE] });
  const whale = await ethers.getSigner(WHALE);
  const carolBefore = await ethers.provider.getBalance(carol.address);
  const ethTx = await whale.sendTransaction({ to: carol.address, value: 12345n });
  const ethReceipt = await ethTx.wait();
  const tokReceipt = await (await token.connect(whale).transfer(carol.address, 2000n)).wait();
  const mined = await ethers.provider.getTransaction(ethTx.hash);
  out.impersonated = plain({
    txFrom: mined.from, receiptFrom: ethReceipt.from, tokenReceiptFrom: tokReceipt.from,
    status: [ethReceipt.status, tokReceipt.status],
    carolGain: (await ethers.provider.getBalance(carol.address)) - carolBefore,
    whaleTokens: await token.balanceOf(WHALE), carolTokens: await token.balanceOf(carol.address),
    whaleSpent: ten - (await ethers.provider.getBalance(WHALE)),
    gasCost: ethReceipt.gasUsed * ethReceipt.gasPrice + tokReceipt.gasUsed * tokReceipt.gasPrice,
  });
  out.stopImpersonating = await provider.request({ method: "hardhat_stopImpersonatingAccount",
                                                    params: [WHALE] });
  out.afterStop = await failure(whale.sendTransaction({ to: carol.address, value: 1n }));

  // evm_snapshot / evm_revert: a transfer and its block disappear
  const snapBlock = await ethers.provider.getBlockNumber();
  const snapshot = await provider.request({ method: "evm_snapshot" });
  await (await token.transfer(alice.address, 777n)).wait();
  const inside = { block: await ethers.provider.getBlockNumber(),
                   alice: (await token.balanceOf(alice.address)).toString() };
  const reverted = await provider.request({ method: "evm_revert", params: [snapshot] });
  out.snapshot = { id: snapshot, reverted, before: snapBlock, inside,
                   after: await ethers.provider.getBlockNumber(),
                   alice: (await token.balanceOf(alice.address)).toString() };

  // evm_increaseTime + evm_mine: the next block's timestamp jumps; contracts see it
  const before = await ethers.provider.getBlock("latest");
  out.increaseTime = await provider.request({ method: "evm_increaseTime", params: [3600] });
  out.mine = await provider.request({ method: "evm_mine" });
  const after = await ethers.provider.getBlock("latest");
  const [, seenTimestamp] = await reverter.now_();
  out.time = { before: before.timestamp, after: after.timestamp,
               beforeNumber: before.number, afterNumber: after.number,
               contractTimestamp: Number(seenTimestamp) };

  out.balances = plain({
    owner: await token.balanceOf(owner.address), alice: await token.balanceOf(alice.address),
    bob: await token.balanceOf(bob.address), carol: await token.balanceOf(carol.address),
    whale: await token.balanceOf(WHALE), totalSupply: await token.totalSupply(),
  });
  console.log(JSON.stringify(out));
}

await main();
