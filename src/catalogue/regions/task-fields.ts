// Custom task fields management (OpenIntegrations region `РаботаСПользовательскимиПолямиЗадач`),
// opi-bitrix24.md §2.4: task.item.userfield.*. The field's description goes under PARAMS (add) or
// DATA (update), each part only when filled.
import { rest, tokenParam, urlParam } from "../define.js";
import { idParam } from "../params.js";

const region = "Custom task fields management";

/** A custom task field as task.item.userfield.* print it (fixtures GetCustomTaskField.json). */
export interface CustomTaskField {
  ID: string;
  ENTITY_ID: string;
  FIELD_NAME: string;
  USER_TYPE_ID: string;
  XML_ID: string | null;
  SORT: string;
  MULTIPLE: "Y" | "N";
  MANDATORY: "Y" | "N";
  SHOW_FILTER: string;
  SHOW_IN_LIST: "Y" | "N";
  EDIT_IN_LIST: "Y" | "N";
  IS_SEARCHABLE: "Y" | "N";
  SETTINGS: Record<string, unknown> | unknown[];
  EDIT_FORM_LABEL?: Record<string, string>;
  LIST_COLUMN_LABEL?: Record<string, string>;
  LIST_FILTER_LABEL?: Record<string, string>;
  ERROR_MESSAGE?: Record<string, string>;
  HELP_MESSAGE?: Record<string, string>;
  [key: string]: unknown;
}

const fieldId = (description: string) => idParam("fieldId", "fieldid", "f", "ID", description);
const labelDescription = "Form label by language: JSON object, e.g. {\"en\":\"Priority\",\"ru\":\"Приоритет\"}, or a path to a .json file";

export const getCustomTaskFieldsList = rest<CustomTaskField[]>()({
  name: "GetCustomTaskFieldsList",
  ru: "ПолучитьСписокПользовательскихПолейЗадачи",
  region,
  summary: "Returns the custom task fields (UF_*)",
  method: "task.item.userfield.getlist",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const addCustomTaskField = rest<number>()({
  name: "AddCustomTaskField",
  ru: "ДобавитьПользовательскоеПолеЗадачи",
  region,
  summary: "Adds a custom task field (Bitrix24 prefixes its name with UF_); the result is the new field ID",
  method: "task.item.userfield.add",
  replay: "unsafe",
  params: [
    urlParam,
    { name: "type", option: "type", short: "t", kind: "string", field: "PARAMS.USER_TYPE_ID", required: true, description: "Field type: string, double, date, boolean" },
    { name: "fieldName", option: "fieldname", short: "f", kind: "string", field: "PARAMS.FIELD_NAME", required: true, description: "Text identifier (name) of the field, e.g. TEXT_FIELD" },
    { name: "externalId", option: "externalid", short: "e", kind: "string", field: "PARAMS.XML_ID", default: "", description: "Text identifier for external integration" },
    { name: "title", option: "title", short: "l", kind: "string", field: "PARAMS.LABEL", default: "", description: "Field title" },
    { name: "label", option: "label", short: "b", kind: "map", field: "PARAMS.EDIT_FORM_LABEL", default: "", description: labelDescription },
    tokenParam("k"),
  ],
});

export const updateCustomTaskField = rest<boolean>()({
  name: "UpdateCustomTaskField",
  ru: "ИзменитьПользовательскоеПолеЗадачи",
  region,
  summary: "Changes a custom task field's external ID, title or form label",
  method: "task.item.userfield.update",
  replay: "safe",
  params: [
    urlParam,
    fieldId("ID of the field to change"),
    { name: "externalId", option: "externalid", short: "e", kind: "string", field: "DATA.XML_ID", default: "", description: "Text identifier for external integration" },
    { name: "title", option: "title", short: "t", kind: "string", field: "DATA.LABEL", default: "", description: "Field title" },
    { name: "label", option: "label", short: "l", kind: "map", field: "DATA.EDIT_FORM_LABEL", default: "", description: labelDescription },
    tokenParam("k"),
  ],
});

export const getCustomTaskField = rest<CustomTaskField>()({
  name: "GetCustomTaskField",
  ru: "ПолучитьПользовательскоеПолеЗадачи",
  region,
  summary: "Returns a custom task field by ID",
  method: "task.item.userfield.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, fieldId("Field ID"), tokenParam()],
});

export const deleteCustomTaskField = rest<boolean>()({
  name: "DeleteCustomTaskField",
  ru: "УдалитьПользовательскоеПолеЗадачи",
  region,
  summary: "Deletes a custom task field",
  method: "task.item.userfield.delete",
  replay: "unsafe",
  params: [urlParam, fieldId("ID of the field to delete"), tokenParam()],
});

export const customTaskFieldFunctions = [getCustomTaskFieldsList, addCustomTaskField, updateCustomTaskField, getCustomTaskField, deleteCustomTaskField] as const;
