// File management (OpenIntegrations region `РаботаСФайлами`), opi-bitrix24.md §2.11: the chat file flow.

export const fileFunctions = [] as const;
