// ethers v6 and EIP-7702 against a running pydevnet (--hardfork prague or later): Wallet.authorize
// signs an authorization (its nonce and chain id filled from the node), a Wallet sends the type-4
// transaction raw, a JsonRpcSigner sends one through eth_sendTransaction with the
// authorizationList, and entries for another chain or with a wrong nonce are skipped (EIP-7702).
// Prints a JSON summary for tests/integration/test_eip7702_clients.py.
// Usage: node ethers_eip7702.mjs http://127.0.0.1:PORT DELEGATE_ADDRESS
import { ethers } from 'ethers';

import { report } from './common.mjs';

const [url, delegate] = process.argv.slice(2);
const MNEMONIC = 'test test test test test test test test test test test junk';
const provider = new ethers.JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true });
const devWallet = (i) => ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined,
  `m/44'/60'/0'/0/${i}`).connect(provider);
const authority = (byte) => new ethers.Wallet(`0x${byte.repeat(32)}`, provider);
const sponsor = devWallet(5);

// What the test checks of one set-code transaction and its authorities.
async function outcome(response, authorities) {
  const receipt = await response.wait();
  const tx = await provider.getTransaction(response.hash);
  const rawTx = await provider.send('eth_getTransactionByHash', [response.hash]);
  const accounts = [];
  for (const a of authorities) {
    accounts.push({ address: a.address.toLowerCase(), code: await provider.getCode(a.address),
      nonce: await provider.getTransactionCount(a.address),
      call: await provider.call({ to: a.address }) });
  }
  return { status: receipt.status, receiptType: receipt.type, type: tx.type,
    authorizations: tx.authorizationList.length, rawTx, accounts };
}

async function main() {
  const out = {};
  const b1 = authority('b1');
  const auth1 = await b1.authorize({ address: delegate });
  out.wallet = await outcome(await sponsor.sendTransaction({ type: 4, to: b1.address,
    authorizationList: [auth1] }), [b1]);

  const b2 = authority('b2');
  const auth2 = await b2.authorize({ address: delegate });
  const signer = await provider.getSigner(6);
  out.rpc = await outcome(await signer.sendTransaction({ to: b2.address,
    authorizationList: [auth2] }), [b2]);

  const [b3, b4, b5] = [authority('b3'), authority('b4'), authority('b5')];
  const wrongChain = await b3.authorize({ address: delegate, chainId: 1n });
  const wrongNonce = await b4.authorize({ address: delegate, nonce: 9 });
  const good = await b5.authorize({ address: delegate });
  out.skipped = await outcome(await sponsor.sendTransaction({ type: 4, to: b5.address,
    authorizationList: [wrongChain, wrongNonce, good] }), [b3, b4, b5]);
  return out;
}

report(main);
