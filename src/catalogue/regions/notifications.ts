// Notifications management (OpenIntegrations region `РаботаСУведомлениями`), opi-bitrix24.md §2.14.

export const notificationFunctions = [] as const;
