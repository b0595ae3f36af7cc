import { connectorConformance } from "@crosschannel/connector-sdk/testing";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { bestbuyConnector, type BestBuyConfig } from "../src/index.ts";
import { BestBuySimulator } from "../src/simulator/index.ts";

// OF52/OF53 exports for listings and inventory (the default), OR13/OR14 then OR11, TL02.
connectorConformance(bestbuyConnector, () => new BestBuySimulator({ seed: 42, transactionPageCap: 25 }));

/** The same API, with listings and inventory read through OF21 pages (offersSource "list"). */
class ListingOffersSimulator extends BestBuySimulator {
  override config(): BestBuyConfig {
    return { ...super.config(), offersSource: "list" };
  }
}

// A catalog large enough for several OF21 pages of 100.
const catalog = new MerchantDataset({ seed: 5, start: "2026-03-01", days: 14, skus: 450, ordersPerDay: 20 });
connectorConformance(bestbuyConnector, () => new ListingOffersSimulator({ merchant: catalog }), {
  streams: ["listings", "inventory"],
});
