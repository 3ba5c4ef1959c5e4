// Users management (OpenIntegrations region `УправлениеПользователями`), opi-bitrix24.md §2.16.

export const userFunctions = [] as const;
