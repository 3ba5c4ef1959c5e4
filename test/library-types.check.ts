import { bitrix24 } from "../src/index.js";
async function f() {
  const r = await bitrix24.sendMessage("u", "chat1", "hi");
  const n: number = r.result;
  const b = bitrix24.getPictureBlock("a", "b");
  const l: string | undefined = b.IMAGE.LINK;
  const t = await bitrix24.СерверноеВремя("u");
  const s: string = t.result;
  // @ts-expect-error missing text
  await bitrix24.sendMessage("u", "chat1");
  await bitrix24.editMessage("u", 5);
  return [n, l, s];
}
void f;
