// Safe-to-replay samples of the Drive's regions (Storages, Catalogs and File management). Each write
// is a rename to the same name or the folder's one public link: run again, it answers the same.
import type { ReplayContext, SafeSample } from "./samples.js";

let made = 0;
/** A fresh folder of user 1 in the shared drive (storage 1). */
async function folder(c: ReplayContext): Promise<string> {
  const answer = await c.client().call<{ ID: number }>("disk.storage.addfolder", { id: 1, data: { NAME: `Replay folder ${++made}` } });
  return String(answer.result.ID);
}
/** A fresh file in a fresh folder. */
async function file(c: ReplayContext): Promise<string> {
  const into = await folder(c);
  const answer = await c.client().call<{ ID: number }>("disk.folder.uploadfile", { id: into, data: { NAME: "replay.txt" }, fileContent: ["replay.txt", Buffer.from("replay").toString("base64")] });
  return String(answer.result.ID);
}

export const DRIVE_SAMPLES: Record<string, SafeSample> = {
  GetStoragesList: { values: () => ({}) },
  // The application's storage: only an application (an OAuth token) sees it.
  GetAppStorage: { values: () => ({}), oauth: true },
  GetStorage: { values: () => ({ storageId: "1" }) },
  RenameStorage: { values: () => ({ storageId: "3", title: "Replayed storage" }), oauth: true, write: true },
  GetStorageObjects: { values: () => ({ storageId: "1" }) },
  GetFolderInformation: { values: async (c) => ({ folderId: await folder(c) }) },
  GetFolderExternalLink: { values: async (c) => ({ folderId: await folder(c) }), write: true },
  GetFolderItems: { values: async (c) => ({ folderId: await folder(c), filter: { TYPE: "folder" } }) },
  RenameFolder: { values: async (c) => ({ folderId: await folder(c), title: `Renamed folder ${++made}` }), write: true },
  GetFolderFilterStructure: { values: () => ({ empty: true }) },
  GetFileInformation: { values: async (c) => ({ fileId: await file(c) }) },
  RenameFile: { values: async (c) => ({ fileId: await file(c), title: `Renamed ${++made}.txt` }), write: true },
};
