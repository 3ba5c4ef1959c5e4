// Settings and administration (OpenIntegrations region `НастройкиИАдминистрирование`), opi-bitrix24.md §2.1.
import { rest, tokenParam, urlParam } from "../define.js";

const region = "Settings and administration";

export const serverTime = rest<string>()({
  name: "ServerTime",
  ru: "СерверноеВремя",
  region,
  summary: "Returns the portal's current time (ISO 8601)",
  method: "server.time",
  http: "GET",
  replay: "safe",
  params: [urlParam, tokenParam()],
});

export const settingsFunctions = [serverTime] as const;
