import { describeCatalogue } from "./day2-catalogue";

// The day-2 catalogue (test/day2-catalogue.ts) on azure.
describeCatalogue("azure");
