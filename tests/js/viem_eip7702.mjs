// viem 2 and EIP-7702 against a running pydevnet (--hardfork prague or later): authorizations
// signed locally with signAuthorization, sent by a local account (viem signs the type-4
// transaction and sends it raw) and by a JSON-RPC account (eth_sendTransaction with the
// authorizationList); entries for another chain or with a wrong nonce, which EIP-7702 skips.
// Prints a JSON summary for tests/integration/test_eip7702_clients.py.
// Usage: node viem_eip7702.mjs http://127.0.0.1:PORT DELEGATE_ADDRESS
import { createPublicClient, createWalletClient, http } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

import { report } from './common.mjs';

const [url, delegate] = process.argv.slice(2);
const MNEMONIC = 'test test test test test test test test test test test junk';
const pub = createPublicClient({ chain: foundry, transport: http(url), cacheTime: 0 });
const sponsor = mnemonicToAccount(MNEMONIC, { addressIndex: 3 });
const rpcSender = mnemonicToAccount(MNEMONIC, { addressIndex: 4 }).address;
const authority = (byte) => privateKeyToAccount(`0x${byte.repeat(32)}`);
const wallet = createWalletClient({ account: sponsor, chain: foundry, transport: http(url) });
const rpcWallet = createWalletClient({ chain: foundry, transport: http(url) });

// What the test checks of one set-code transaction and its authorities.
async function outcome(hash, authorities) {
  const receipt = await pub.waitForTransactionReceipt({ hash });
  const tx = await pub.getTransaction({ hash });
  const rawTx = await pub.request({ method: 'eth_getTransactionByHash', params: [hash] });
  const accounts = [];
  for (const a of authorities) {
    accounts.push({ address: a.address.toLowerCase(), code: (await pub.getCode({ address: a.address })) ?? '0x',
      nonce: await pub.getTransactionCount({ address: a.address }),
      call: (await pub.call({ to: a.address })).data ?? '0x' });
  }
  return { status: receipt.status, receiptType: receipt.type, type: tx.type,
    authorizations: tx.authorizationList.length, rawTx, accounts };
}

async function main() {
  const out = {};
  // a local account: viem estimates (eth_estimateGas with the list), signs and sends raw
  const a1 = authority('a1');
  const auth1 = await wallet.signAuthorization({ account: a1, address: delegate });
  const hash1 = await wallet.sendTransaction({ authorizationList: [auth1], to: a1.address });
  out.local = await outcome(hash1, [a1]);
  out.local.auth = { chainId: auth1.chainId, nonce: auth1.nonce, yParity: auth1.yParity };

  // a JSON-RPC account: the node signs the type-4 transaction (eth_sendTransaction)
  const a2 = authority('a2');
  const auth2 = await wallet.signAuthorization({ account: a2, address: delegate });
  const hash2 = await rpcWallet.sendTransaction({ account: rpcSender, authorizationList: [auth2],
    to: a2.address });
  out.rpc = await outcome(hash2, [a2]);

  // EIP-7702 skips an entry for another chain and one with a wrong nonce
  const [a3, a4, a5] = [authority('a3'), authority('a4'), authority('a5')];
  const wrongChain = await wallet.signAuthorization({ account: a3, address: delegate, chainId: 1 });
  const wrongNonce = await wallet.signAuthorization({ account: a4, address: delegate, nonce: 7 });
  const good = await wallet.signAuthorization({ account: a5, address: delegate });
  const hash3 = await wallet.sendTransaction({ authorizationList: [wrongChain, wrongNonce, good],
    to: a5.address });
  out.skipped = await outcome(hash3, [a3, a4, a5]);
  return out;
}

report(main);
