export const USAGE = `Crosschannel command line

Usage: npm run cli -- <command> [flags]

Database
  migrate                                  Apply database migrations (generate the client first)

Shops
  shops list                               List the shops this installation knows
  shops add --shop <domain> --timezone <IANA zone> --currency <ISO 4217>
                                           Add a shop outside Shopify's install flow (demo, local use)

Channels and data
  connect --shop <domain> --channel <amazon|bestbuy|shopify> --config <file.json>
                                           Create or update a channel connection
  sync --shop <domain> [--channel <id>] [--full]
                                           Sync now, wait, print per-stream counts
  report --shop <domain> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--json]
                                           Sales, fees and profit by channel for a range of days

Catalog
  skus unmatched --shop <domain> [--json]  Channel SKUs that match no product of the shop's catalog
  skus map --shop <domain> --channel <id> --sku <channel SKU> --to <catalog SKU>
                                           Count a channel SKU as a catalog product

Exchange rates
  fx set --shop <domain> --day <YYYY-MM-DD> --base <CCY> --quote <CCY> --rate <decimal>
                                           Set a manual rate: 1 base = rate quote on that day
  fx import --shop <domain> --file <eurofxref-hist.csv|.xml>
                                           Import ECB reference rates into the shop's currency

Security
  credentials reencrypt                    Rewrite every connection's credentials with the current key
                                           (after rotating CREDENTIALS_ENCRYPTION_KEY; see docs/security.md)

  help                                     Show this message

When DATABASE_URL is unset, commands use the local PostgreSQL under .data/ (started if needed).`;

/** Exit code for a command line that cannot be understood (unknown command, bad flags). */
export const EXIT_USAGE = 2;
