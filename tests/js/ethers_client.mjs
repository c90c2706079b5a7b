// ethers.js v6 against a running pydevnet: what a dapp or a Hardhat-less script does, end to end.
// Usage: node tests/js/ethers_client.mjs <http url> <ws url>
// Prints one JSON object (big integers as decimal strings) on stdout; tests/integration/
// test_ethers_client.py asserts on it. Any unexpected failure exits 1 with the error on stderr.
import { ethers } from "ethers";

import { KEY0, SUPPLY, artifact, plain, report } from "./common.mjs";

const [httpUrl, wsUrl] = process.argv.slice(2);
if (!httpUrl || !wsUrl) {
  console.error("usage: node ethers_client.mjs <http url> <ws url>");
  process.exit(2);
}

// dev account 1 of the `test test ... junk` mnemonic (KEY0 is account 0)
const KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

// The error a call must throw, reduced to what the test checks.
async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return {
      code: e.code, reason: e.reason ?? null, shortMessage: e.shortMessage ?? null,
      data: e.data ?? null, action: e.action ?? null,
      revert: e.revert ? { name: e.revert.name, signature: e.revert.signature,
                           args: plain([...e.revert.args]) } : null,
    };
  }
  throw new Error("expected a revert, the call succeeded");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const out = {};
  // ethers v6 caches identical requests for 250 ms (cacheTimeout), so the "pending" nonce read
  // for a transaction sent right after an automined one is stale ("nonce has already been
  // used"); an instant-mining devnet needs the cache off, as with Anvil or a Hardhat node.
  const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { cacheTimeout: -1 });
  const wallet = new ethers.Wallet(KEY0, provider);
  const alice = new ethers.Wallet(KEY1, provider);

  out.chainId = (await provider.getNetwork()).chainId.toString();
  const fee = await provider.getFeeData();
  out.feeData = plain({ gasPrice: fee.gasPrice, maxFeePerGas: fee.maxFeePerGas,
                        maxPriorityFeePerGas: fee.maxPriorityFeePerGas });

  // deploy the Token through a ContractFactory (ethers fills an EIP-1559 transaction)
  const tokenBuild = artifact("Token");
  const factory = new ethers.ContractFactory(tokenBuild.abi, tokenBuild.bytecode, wallet);
  const token = await factory.deploy("Ethers Token", "ETK", SUPPLY);
  const deployReceipt = await token.deploymentTransaction().wait();
  const tokenAddress = await token.getAddress();
  out.deploy = plain({ address: tokenAddress, contractAddress: deployReceipt.contractAddress,
                       status: deployReceipt.status, type: deployReceipt.type,
                       gasPrice: deployReceipt.gasPrice,
                       code: (await provider.getCode(tokenAddress)).length > 2 });

  // estimateGas, then the same transfer for real
  const estimate = await token.transfer.estimateGas(alice.address, 1000n);
  const transferTx = await token.transfer(alice.address, 1000n);
  const transferReceipt = await transferTx.wait();
  out.transfer = plain({ estimate, gasUsed: transferReceipt.gasUsed,
                         status: transferReceipt.status, hash: transferTx.hash,
                         blockNumber: transferReceipt.blockNumber,
                         logs: transferReceipt.logs.length });
  out.balances = plain({ owner: await token.balanceOf(wallet.address),
                         alice: await token.balanceOf(alice.address) });

  // events
  const all = await token.queryFilter(token.filters.Transfer(), 0, "latest");
  out.transfers = plain(all.map((e) => ({ from: e.args.from, to: e.args.to, value: e.args.value,
                                          blockNumber: e.blockNumber,
                                          tx: e.transactionHash })));
  const toAlice = await token.queryFilter(token.filters.Transfer(null, alice.address));
  out.transfersToAlice = toAlice.length;

  // reverts, decoded by ethers
  const reverterBuild = artifact("Reverter");
  const reverter = await new ethers.ContractFactory(
    reverterBuild.abi, reverterBuild.bytecode, wallet).deploy();
  await reverter.waitForDeployment();
  out.reverts = {
    require: await failure(reverter.failRequire()),
    custom: await failure(reverter.failCustom()),
    panic: await failure(reverter.failOverflow(1n)),
    empty: await failure(reverter.failEmpty()),
    // state-changing functions: the revert surfaces from ethers' eth_estimateGas
    allowance: await failure(token.connect(alice).transferFrom(wallet.address, alice.address, 1n)),
    balance: await failure(token.connect(alice).transfer(wallet.address, 10n ** 30n)),
  };
  // a custom error is decoded through the contract's interface from the revert data
  const parsed = (iface, data) => {
    const e = data ? iface.parseError(data) : null;
    return e ? plain({ name: e.name, args: [...e.args] }) : null;
  };
  out.parsedCustom = parsed(reverter.interface, out.reverts.custom.data);
  out.parsedBalance = parsed(token.interface, out.reverts.balance.data);

  // an EIP-1559 transaction with every fee field left to ethers (getFeeData)
  const before = await provider.getBalance(wallet.address);
  const tx = await wallet.sendTransaction({ to: alice.address, value: 12345n });
  const receipt = await tx.wait();
  const after = await provider.getBalance(wallet.address, receipt.blockNumber);
  const block = await provider.getBlock(receipt.blockNumber);
  out.eip1559 = plain({ type: tx.type, maxFeePerGas: tx.maxFeePerGas,
                        maxPriorityFeePerGas: tx.maxPriorityFeePerGas, status: receipt.status,
                        gasUsed: receipt.gasUsed, gasPrice: receipt.gasPrice,
                        spent: before - after, baseFeePerGas: block.baseFeePerGas });

  // a block event over WebSocket for a block mined after subscribing
  const ws = new ethers.WebSocketProvider(wsUrl);
  try {
    const seen = [];
    await ws.on("block", (n) => seen.push(n));
    let mined = null;
    for (let attempt = 0; attempt < 5 && mined === null; attempt++) {
      await sleep(200);
      const r = await (await wallet.sendTransaction({ to: alice.address, value: 1n })).wait();
      for (let i = 0; i < 20 && !seen.includes(r.blockNumber); i++) await sleep(100);
      if (seen.includes(r.blockNumber)) mined = r.blockNumber;
    }
    out.wsBlock = { mined, seen };
    out.wsChainId = (await ws.getNetwork()).chainId.toString();
  } finally {
    await ws.destroy();
  }
  provider.destroy();
  return out;
}

report(main);
