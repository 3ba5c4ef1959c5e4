// Chats and dialogs management (OpenIntegrations region `РаботаСЧатамиИДиалогами`), opi-bitrix24.md §2.12.

export const chatFunctions = [] as const;
