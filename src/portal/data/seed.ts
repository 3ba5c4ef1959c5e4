// The demo company every fresh portal starts with: an administrator (user 1, the webhook owner),
// four colleagues, the "General" open chat (chat id 1) with everyone in it, and workgroup 1 of
// users 1, 2 and 3 (workgroups.ts; its Drive storage and calendars are its members' only).
import type { PortalState, UserRecord } from "./state.js";
import { seedDepartments } from "./departments.js";
import { SEED_WORKGROUPS, setWorkgroups } from "./workgroups.js";

type SeedUser = Omit<UserRecord, "active" | "status" | "lastActivity" | "website" | "isAdmin"> & { isAdmin?: boolean };

const USERS: SeedUser[] = [
  {
    id: 1,
    firstName: "Alex",
    lastName: "Morgan",
    email: "alex.morgan@example.com",
    workPosition: "Portal administrator",
    gender: "M",
    birthday: "14-03",
    color: "#df532d",
    departments: [1],
    phones: { work_phone: "+1 555 0100", personal_mobile: "", inner_phone: "100" },
    isAdmin: true,
  },
  {
    id: 2,
    firstName: "Maria",
    lastName: "Ivanova",
    email: "maria.ivanova@example.com",
    workPosition: "Sales manager",
    gender: "F",
    birthday: "",
    color: "#ab7761",
    departments: [1, 2],
    phones: { work_phone: "+1 555 0101", personal_mobile: "+1 555 0199", inner_phone: "101" },
  },
  {
    id: 3,
    firstName: "Daniel",
    lastName: "Kim",
    email: "daniel.kim@example.com",
    workPosition: "Software developer",
    gender: "M",
    birthday: "02-11",
    color: "#728f7a",
    departments: [3],
    phones: null,
  },
  {
    id: 4,
    firstName: "Olga",
    lastName: "Sokolova",
    email: "olga.sokolova@example.com",
    workPosition: "Accountant",
    gender: "F",
    birthday: "",
    color: "#29619b",
    departments: [4],
    phones: { work_phone: "+1 555 0104", personal_mobile: "", inner_phone: "104" },
  },
  {
    id: 5,
    firstName: "Thomas",
    lastName: "Weber",
    email: "thomas.weber@example.com",
    workPosition: null,
    gender: "M",
    birthday: "",
    color: "#4ba984",
    departments: [3],
    phones: null,
  },
];

export function seedPortal(state: PortalState): void {
  const now = state.now();
  seedDepartments(state); // 1 Example Company (the top), 2 Sales, 3 Development, 4 Accounting
  for (const user of USERS) {
    state.addUser({ ...user, active: true, status: "online", lastActivity: now, website: "", isAdmin: user.isAdmin ?? false });
  }
  setWorkgroups(state, SEED_WORKGROUPS);
  const general = state.createChat({
    type: "open",
    title: "General",
    description: "Company-wide announcements and chatter",
    ownerId: 1,
    members: USERS.map((u) => u.id),
  });
  state.createMessage({ chatId: general.id, authorId: 1, text: "Welcome to the General chat!" });
  state.createMessage({ chatId: general.id, authorId: 2, text: "Hi everyone, the quarterly report is ready." });
}
