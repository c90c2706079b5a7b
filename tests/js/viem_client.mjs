// viem 2 against a running pydevnet, the way viem users drive Anvil: a public, a wallet (the
// mnemonic's first account, signing locally) and a test client in anvil mode, over HTTP and
// WebSocket. Prints a JSON summary for tests/integration/test_viem_client.py.
// Usage: node viem_client.mjs http://127.0.0.1:PORT
import { createPublicClient, createTestClient, createWalletClient, getContract, http, parseEther,
  webSocket } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

import { artifact, report } from './common.mjs';

const url = process.argv[2];
const Token = artifact('Token');
const Reverter = artifact('Reverter');
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const WHALE = '0x0000000000000000000000000000000000001234';

const pub = createPublicClient({ chain: foundry, transport: http(url), cacheTime: 0 });
const account = mnemonicToAccount('test test test test test test test test test test test junk');
const wallet = createWalletClient({ account, chain: foundry, transport: http(url) });
const test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(url) });
const out = {};

out.chainId = await pub.getChainId();
out.fees = await pub.estimateFeesPerGas();
out.feeHistory = await pub.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });

const deployHash = await wallet.deployContract({ abi: Token.abi, bytecode: Token.bytecode,
  args: ['Test', 'TST', 10n ** 24n] });
const deployed = await pub.waitForTransactionReceipt({ hash: deployHash });
out.token = deployed.contractAddress;
const token = getContract({ address: deployed.contractAddress, abi: Token.abi,
  client: { public: pub, wallet } });
const transferHash = await token.write.transfer([ALICE, 1000n]);
const transfer = await pub.waitForTransactionReceipt({ hash: transferHash });
out.transfer = { status: transfer.status, gasUsed: transfer.gasUsed,
  effectiveGasPrice: transfer.effectiveGasPrice };
out.aliceTokens = await token.read.balanceOf([ALICE]);
out.transferEvents = (await token.getEvents.Transfer({ to: ALICE }, { fromBlock: 0n })).length;

const reverterHash = await wallet.deployContract({ abi: Reverter.abi, bytecode: Reverter.bytecode });
const reverter = (await pub.waitForTransactionReceipt({ hash: reverterHash })).contractAddress;
out.reverts = {};
for (const functionName of ['failRequire', 'failCustom', 'failAssert']) {
  try {
    await pub.simulateContract({ address: reverter, abi: Reverter.abi, functionName, account });
    out.reverts[functionName] = 'no revert';
  } catch (e) {
    const data = e.cause?.data;
    out.reverts[functionName] = { name: data?.errorName ?? null, args: data?.args ?? null,
      reason: e.cause?.reason ?? null };
  }
}

await test.setBalance({ address: WHALE, value: parseEther('5') });
out.whaleBalance = await pub.getBalance({ address: WHALE });
await test.impersonateAccount({ address: WHALE });
const keyless = createWalletClient({ chain: foundry, transport: http(url) });
const impHash = await keyless.sendTransaction({ account: WHALE, to: ALICE, value: 1n });
out.impersonatedFrom = (await pub.waitForTransactionReceipt({ hash: impHash })).from;
await test.stopImpersonatingAccount({ address: WHALE });

const before = await pub.getBlock();
const snapshot = await test.snapshot();
await test.mine({ blocks: 3 }); // anvil_mine with interval 0
await test.increaseTime({ seconds: 100 });
await test.mine({ blocks: 1 });
const after = await pub.getBlock();
out.mined = { blocks: after.number - before.number, seconds: after.timestamp - before.timestamp };
await test.revert({ id: snapshot }); // viem drops evm_revert's answer
out.numberAfterRevert = (await pub.getBlockNumber()) - before.number;

const proof = await pub.getProof({ address: account.address, storageKeys: [] });
out.proofNonce = proof.nonce;
out.reverterCodeLength = ((await pub.getCode({ address: reverter })).length - 2) / 2;

const ws = createPublicClient({ chain: foundry, transport: webSocket(url.replace('http', 'ws')) });
const heads = [];
const unwatch = await new Promise((resolve) => {
  const stop = ws.watchBlocks({ emitOnBegin: false, onBlock: (b) => heads.push(b.number) });
  setTimeout(() => resolve(stop), 300);
});
await test.mine({ blocks: 2 });
for (let i = 0; i < 50 && heads.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
unwatch();
out.wsHeads = heads.map((n) => n - before.number);
out.txpool = await test.getTxpoolStatus();

await report(async () => out);
