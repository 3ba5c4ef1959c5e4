// Every method area registers its handlers here.
import type { MethodRegistry } from "../http/registry.js";
import { imDialogMethods } from "./im-dialog.js";
import { imMessageMethods } from "./im-messages.js";
import { imFileMethods } from "./im-files.js";
import { imLikeReadMethods } from "./im-likes-read.js";
import { imNotifyMethods } from "./im-notify.js";
import { serverMethods } from "./server.js";
import { imChatMethods } from "./im-chat.js";
import { imChatDialogMethods } from "./im-chat-dialog.js";
import { imUserMethods } from "./im-user.js";
import { userMethods } from "./user.js";
import { batchMethods } from "./batch.js";
import { crmLeadMethods } from "./crm-lead.js";
import { taskMethods } from "./tasks.js";
import { taskItemMethods } from "./task-items.js";
import { diskMethods } from "./disk.js";
import { calendarMethods } from "./calendar.js";
import { timemanMethods } from "./timeman.js";
import { crmDealMethods } from "./crm-deal.js";
import { departmentMethods } from "./department.js";
import { logBlogpostMethods } from "./log-blogpost.js";
import { scopeMethods } from "./scope.js";

export function registerDefaultMethods(registry: MethodRegistry): MethodRegistry {
  return registry.registerAll(serverMethods).registerAll(imMessageMethods).registerAll(imDialogMethods).registerAll(imLikeReadMethods).registerAll(imFileMethods).registerAll(diskMethods).registerAll(imNotifyMethods).registerAll(userMethods)
    .registerAll(batchMethods).registerAll(crmLeadMethods)
    .registerAll(calendarMethods)
    .registerAll(timemanMethods)
    .registerAll(crmDealMethods)
    .registerAll(departmentMethods)
    .registerAll(logBlogpostMethods)
    .registerAll(taskMethods).registerAll(taskItemMethods)
    .registerAll(imChatMethods).registerAll(imChatDialogMethods).registerAll(imUserMethods)
    .registerAll(scopeMethods(registry));
}
