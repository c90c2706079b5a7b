// ethers.js v6 against a running pydevnet with Anvil's cheat methods, the way Foundry/Anvil users
// script a local node: fund a keyless "whale" with anvil_setBalance, anvil_impersonateAccount it
// and send ETH and tokens from it through a JsonRpcSigner (eth_sendTransaction), stop
// impersonating, then anvil_autoImpersonateAccount for any sender.
// Usage: node tests/js/ethers_anvil_cheats.mjs <http url>
// Prints one JSON object (big integers as decimal strings) on stdout; tests/integration/
// test_ethers_anvil_cheats.py asserts on it. An unexpected failure exits 1, the error on stderr.
import { ethers } from "ethers";

import { KEY0, SUPPLY, artifact, plain, report } from "./common.mjs";

const [httpUrl] = process.argv.slice(2);
if (!httpUrl) {
  console.error("usage: node ethers_anvil_cheats.mjs <http url>");
  process.exit(2);
}

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"; // dev account 1
const WHALE = "0x00000000000000000000000000000000000A11cE"; // keyless
const STRANGER = "0x0000000000000000000000000000000000b0B0b0"; // keyless

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return { code: e.code ?? null, rpcCode: e.error?.code ?? null,
             rpcMessage: e.error?.message ?? null };
  }
  throw new Error("expected a failure, it succeeded");
}

// One transaction from an impersonated address: what the chain recorded and what it cost.
async function sendAs(provider, signer, request) {
  const tx = await signer.sendTransaction(request);
  const receipt = await tx.wait();
  const mined = await provider.getTransaction(tx.hash);
  return { from: mined.from, receiptFrom: receipt.from, status: receipt.status,
           cost: receipt.gasUsed * receipt.gasPrice };
}

async function main() {
  const out = {};
  const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { cacheTimeout: -1 });
  const wallet = new ethers.Wallet(KEY0, provider);
  const build = artifact("Token");
  const token = await new ethers.ContractFactory(build.abi, build.bytecode, wallet)
    .deploy("Anvil Token", "ANV", SUPPLY);
  await token.waitForDeployment();
  await (await token.transfer(WHALE, 5000n)).wait();

  const oneEther = ethers.parseEther("1");
  out.setBalance = await provider.send("anvil_setBalance", [WHALE, ethers.toQuantity(oneEther)]);
  out.whaleBalance = (await provider.getBalance(WHALE)).toString();

  out.impersonate = await provider.send("anvil_impersonateAccount", [WHALE]);
  // Anvil lists impersonated addresses in eth_accounts, so provider.getSigner(address) (which
  // looks the address up there) works on Anvil; JsonRpcSigner skips the look-up
  out.listedInAccounts = (await provider.send("eth_accounts", []))
    .some((a) => a.toLowerCase() === WHALE.toLowerCase());
  out.getSigner = await provider.getSigner(WHALE)
    .then((s) => s.address, (e) => e.shortMessage ?? String(e));
  const whale = new ethers.JsonRpcSigner(provider, WHALE);
  const aliceBefore = await provider.getBalance(ALICE);
  const ethTx = await sendAs(provider, whale, { to: ALICE, value: 4321n });
  const tokenContract = token.connect(whale);
  const tokTx = await sendAs(provider, whale,
    await tokenContract.transfer.populateTransaction(ALICE, 2000n));
  out.impersonated = plain({
    eth: ethTx, token: tokTx,
    aliceGain: (await provider.getBalance(ALICE)) - aliceBefore,
    whaleBalance: await provider.getBalance(WHALE),
    whaleTokens: await token.balanceOf(WHALE), aliceTokens: await token.balanceOf(ALICE),
  });

  out.stopImpersonating = await provider.send("anvil_stopImpersonatingAccount", [WHALE]);
  out.afterStop = await failure(whale.sendTransaction({ to: ALICE, value: 1n }));

  // auto-impersonation: any address sends, until it is switched off again
  await provider.send("anvil_setBalance", [STRANGER, ethers.toQuantity(oneEther)]);
  out.autoOn = await provider.send("anvil_autoImpersonateAccount", [true]);
  const stranger = new ethers.JsonRpcSigner(provider, STRANGER);
  out.auto = plain(await sendAs(provider, stranger, { to: ALICE, value: 1n }));
  out.autoOff = await provider.send("anvil_autoImpersonateAccount", [false]);
  out.afterAutoOff = await failure(stranger.sendTransaction({ to: ALICE, value: 1n }));
  provider.destroy();
  return out;
}

report(main);
