// The one rule for wallet addresses, shared by the loader and the API's `wallet` parameter.
#pragma once

#include <string>
#include <string_view>

namespace hltwap {

// The length of an address: "0x" and 40 hex digits (20 bytes).
inline constexpr size_t kWalletAddressLength = 42;

// True for "0x" followed by 40 hex digits, in any letter case: the only wallets the ETL stores.
[[nodiscard]] bool IsWalletAddress(std::string_view text);

// The form a wallet is stored and looked up in: ASCII letters lowercased, every other byte
// kept. Addresses are hex ("0x8C2A..." and "0x8c2a..." are one wallet); anything else is kept
// as it is so that it still matches only itself.
[[nodiscard]] std::string NormalizeWallet(std::string_view wallet);

}  // namespace hltwap
