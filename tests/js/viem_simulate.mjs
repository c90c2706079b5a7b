// eth_simulateV1 and eth_sendRawTransactionSync through viem 2 (simulateBlocks, simulateCalls,
// sendRawTransactionSync, a wallet's sendTransactionSync) and ethers 6 (provider.send) against a
// running pydevnet. Prints a JSON summary for tests/integration/test_simulate_js.py.
// Usage: node viem_simulate.mjs http://127.0.0.1:PORT
import { JsonRpcProvider } from 'ethers';
import { createPublicClient, createWalletClient, encodeFunctionData, http, parseEther } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

import { artifact, plain, report } from './common.mjs';

const url = process.argv[2];
const account = mnemonicToAccount('test test test test test test test test test test test junk');
const transport = http(url);
const wallet = createWalletClient({ account, chain: foundry, transport });
const pub = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
const Reverter = artifact('Reverter');
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const WHALE = `0x${'1234'.padStart(40, '0')}`;

report(async () => {
  const out = {};
  const deployHash = await wallet.deployContract({ abi: Reverter.abi,
    bytecode: Reverter.bytecode });
  const reverter = (await pub.waitForTransactionReceipt({ hash: deployHash })).contractAddress;
  out.headBefore = await pub.getBlockNumber();

  const blocks = await pub.simulateBlocks({
    blocks: [
      { stateOverrides: [{ address: WHALE, balance: parseEther('5') }],
        calls: [{ account: WHALE, to: ALICE, value: parseEther('2') }] },
      { blockOverrides: { time: 4102444800n },
        calls: [{ account: WHALE, to: ALICE, value: parseEther('1') },
                { account: account.address, to: reverter, abi: Reverter.abi,
                  functionName: 'failRequire' }] },
    ],
    traceTransfers: true,
  });
  out.blocks = blocks.map((b) => ({ number: b.number, timestamp: b.timestamp,
    calls: b.calls.map((c) => ({ status: c.status, gasUsed: c.gasUsed, logs: c.logs.length,
      error: c.error?.shortMessage ?? null })) }));

  const sim = await pub.simulateCalls({
    account: account.address,
    calls: [{ to: ALICE, value: parseEther('1') },
            { to: reverter, data: encodeFunctionData({ abi: Reverter.abi,
              functionName: 'failRequire' }) }],
  });
  out.simulateCalls = sim.results.map((r) => ({ status: r.status, gasUsed: r.gasUsed,
    error: r.error?.shortMessage ?? null }));
  out.headAfterSimulations = await pub.getBlockNumber();

  const request = await wallet.prepareTransactionRequest({ to: ALICE, value: 7n });
  const serializedTransaction = await wallet.signTransaction(request);
  const receipt = await pub.sendRawTransactionSync({ serializedTransaction });
  out.rawSync = { status: receipt.status, blockNumber: receipt.blockNumber, to: receipt.to };
  const walletReceipt = await wallet.sendTransactionSync({ to: ALICE, value: 8n });
  out.walletSync = { status: walletReceipt.status, blockNumber: walletReceipt.blockNumber };

  const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });
  const [block] = await provider.send('eth_simulateV1', [{
    blockStateCalls: [{ calls: [{ from: account.address, to: ALICE, value: '0x1' }] }],
    traceTransfers: true,
  }, 'latest']);
  out.ethers = plain({ number: block.number, transactions: block.transactions.length,
    calls: block.calls.map((c) => ({ status: c.status, gasUsed: c.gasUsed,
      logAddresses: c.logs.map((l) => l.address) })) });
  out.headAtEnd = await pub.getBlockNumber();
  return out;
});
