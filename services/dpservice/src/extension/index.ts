// ironcore.dpservice.v1.DataplaneService: our extension API next to upstream's DPDKironcore.
export { createDataplaneServiceImpl, dataplaneServiceEntry } from "./dataplaneService.js";
