// Writes data.json, the fixed root value of the oracle (both engines resolve it with default resolvers).
// data.json is committed; edit this generator and run `node make-data.mjs > data.json` to change it.
// Objects resolved through an interface or union carry `__typename` (graphql-js's default resolveType reads it).
const inst = { id: "inst_1", name: "First Platypus Bank", logo: { url: "https://example.com/fpb.png" } };
const inst2 = { id: "inst_2", name: "Gringotts", logo: null };
const conn1 = { __typename: "Connection", id: "conn_1", status: "SYNCED", provider: "MOCK", institution: inst,
  metadata: { source: "sandbox", tags: ["a", "b"] }, createdAt: "2026-01-02T03:04:05Z", updatedAt: "2026-11-20T10:00:00Z" };
const conn2 = { __typename: "Connection", id: "conn_2", status: "ERROR_REPAIRABLE", provider: "PLAID", institution: inst2,
  metadata: null, createdAt: "2026-02-02T00:00:00Z", updatedAt: null };
const merchant = { __typename: "Merchant", id: "mrch_1", name: "Coffee Corner" };
const bal = (id, current, available, limit) => ({ id, at: "2026-11-21T00:00:00Z", current, available, limit });
const txn = (id, acct, date, description, amount, entryType, status, extra = {}) => ({
  __typename: "Transaction", id, date, description, amount, amountMinor: String(Math.round(amount * 100)), entryType, status, currencyCode: "USD",
  account: acct, merchant: description.startsWith("Coffee") ? { id: "mrch_1", name: "Coffee Corner" } : null,
  metadata: null, createdAt: date + "T12:00:00Z", updatedAt: date + "T12:00:00Z", ...extra });
const acctRef = (id, name) => ({ __typename: "Account", id, name, mask: "0000", state: "OPEN", verified: true, type: "CHECKING", kind: "DEPOSITORY", currencyCode: "USD", tags: [] , connection: { id: "conn_1", status: "SYNCED", provider: "MOCK" } });
const txns1 = [
  txn("txn_1", acctRef("acct_1", "Everyday Checking"), "2026-11-20", "Coffee Corner", 4.5, "DEBIT", "POSTED"),
  txn("txn_2", acctRef("acct_1", "Everyday Checking"), "2026-11-19", "Payroll", 2500, "CREDIT", "POSTED", { metadata: { employer: "Acme", period: [1, 15] } }),
  txn("txn_3", acctRef("acct_1", "Everyday Checking"), "2026-11-21", "Coffee again", 3.25, "DEBIT", "PENDING"),
];
const tc = (nodes, extra = {}) => ({
  count: nodes.length,
  edges: nodes.map((n, i) => ({ cursor: "c" + (i + 1), node: n })),
  nodes,
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: nodes.length ? "c1" : null, endCursor: nodes.length ? "c" + nodes.length : null },
  ...extra,
});
const acct1 = { __typename: "Account", id: "acct_1", name: "Everyday Checking", mask: "1234", state: "OPEN", verified: true, type: "CHECKING",
  kind: "DEPOSITORY", currencyCode: "USD", balance: bal("bal_1", 1520.75, 1500.5, null), connection: conn1, institution: inst,
  transactions: tc(txns1), transactedFirstOn: "2026-01-03", transactedLastOn: "2026-11-21", tags: ["primary", "joint"],
  legacyNumber: "000-1234", metadata: { nickname: "Main", limits: { daily: 500 } }, createdAt: "2026-01-02T03:04:05Z", updatedAt: "2026-11-21T00:00:00Z" };
const acct2 = { __typename: "Account", id: "acct_2", name: "Travel Card", mask: "9876", state: "OPEN", verified: false, type: "CREDIT",
  kind: "CREDIT", currencyCode: "EUR", balance: bal("bal_2", -320.1, 4679.9, 5000), connection: conn2, institution: inst2,
  transactions: tc([]), transactedFirstOn: null, transactedLastOn: null, tags: [],
  legacyNumber: null, metadata: null, createdAt: "2026-02-02T00:00:00Z", updatedAt: null };
const acct3 = { __typename: "Account", id: "acct_3", name: "Old Savings", mask: null, state: "CLOSED", verified: true, type: "SAVINGS",
  kind: "DEPOSITORY", currencyCode: "USD", balance: null, connection: conn1, institution: null,
  transactions: tc([]), transactedFirstOn: "2020-05-05", transactedLastOn: "2024-12-31", tags: ["closed"],
  legacyNumber: "000-0001", metadata: {}, createdAt: "2020-05-01T00:00:00Z", updatedAt: "2024-12-31T00:00:00Z" };
// an account with a broken non-null (name null) for propagation through [Account!]!
const acctBroken = { ...acct3, id: "acct_4", name: null, tags: ["x", null] };
const conn1Full = { ...conn1, accounts: [acct1, acct3] };
const conn2Full = { ...conn2, accounts: [acct2] };
const profile = { __typename: "Profile", id: "prof_1", uuid: "7d2c1b9e-3f43-4c1e-9a0b-5c7e0d6f1a22", email: "ada@example.com", phone: "+15555550100",
  name: "Ada Lovelace", names: { first: "Ada", last: "Lovelace", full: "Ada Lovelace" }, dateOfBirth: "1815-12-10",
  address: { line1: "12 St James's Square", line2: null, city: "London", state: null, postalCode: "SW1Y 4JH", countryCode: "GB" },
  metadata: { tier: "gold", score: 9.5, flags: [true, false], nested: { a: null } }, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-11-21T09:30:00Z" };

const owner = { name: "Jean-Luc", pets: [] };
const dog = { __typename: "Dog", name: "Rex", nickname: "T-Rex", barkVolume: 11, doesKnowCommand: true, isHouseTrained: false,
  owner: { __typename: "Human", name: "Ada", pets: [{ __typename: "Dog", name: "Rex", nickname: "T-Rex", barkVolume: 11, doesKnowCommand: true, isHouseTrained: false, owner: null }, { __typename: "Cat", name: "Tom", nickname: null, doesKnowCommand: false, meowVolume: 3 }] } };
const cat = { __typename: "Cat", name: "Tom", nickname: null, doesKnowCommand: false, meowVolume: 3 };
const human = { __typename: "Human", name: "Ada", pets: [dog, cat] };
const alien = { __typename: "Alien", name: "Zorg", homePlanet: "Zeta" };

const leaf = (v) => ({ value: v, strictValue: v, label: "leaf " + v });
const chain = {
  value: 1, strictValue: 1, label: "root",
  ints: [1, null, 3], strictInts: [1, null, 3], strictIntsStrict: [1, null],
  matrix: [[1, 2], [3, null], null], strictMatrix: [[1, 2], [3, null]], strictMatrixStrict: [[1], [null]],
  next: {
    value: 2, strictValue: null, label: "second",
    next: { value: 3, strictValue: 3, label: "third", next: null, strictNext: null, ints: [], matrix: [[]], strictMatrix: [[4], [5]], strictMatrixStrict: [[6]] },
    strictNext: { value: 30, strictValue: 30, label: "third strict", strictNext: { value: 300, strictValue: null } },
    list: [leaf(21), null, { value: 23, strictValue: null }],
    strictItems: [leaf(24), leaf(25)],
    strictList: [leaf(26), null],
    strictListOfStrict: [leaf(27), { value: 28, strictValue: null }],
    ints: [7, 8], strictInts: [9, null],
  },
  strictNext: {
    value: 10, strictValue: 10, label: "strict second",
    next: { value: 11, strictValue: 11, label: "strict third", strictNext: { value: 12, strictValue: null } },
    strictNext: { value: 13, strictValue: 13, strictNext: { value: 14, strictValue: 14, strictNext: null } },
    list: [leaf(15)],
    strictListOfStrict: [leaf(16), leaf(17)],
  },
  list: [leaf(40), null, { value: 42, strictValue: null, label: "broken", next: leaf(43) }, { value: 44, strictValue: 44, next: { value: 45, strictValue: null } }],
  strictItems: [leaf(50), null, leaf(52)],
  strictList: [leaf(60), null, { value: 62, strictValue: null }],
  strictListOfStrict: [leaf(70), leaf(71), { value: 72, strictValue: null }, null],
};
const strictChain = { value: 100, strictValue: 100, label: "strict root", next: leaf(101), strictNext: { value: 102, strictValue: null },
  ints: [null], strictInts: [null, null], strictIntsStrict: [1, 2, 3], list: [leaf(103)], strictListOfStrict: [leaf(104), { value: 105 }] };
const chains = [leaf(200), null, { value: 202, strictValue: null }, { value: 203, strictValue: 203, next: { value: 204, strictValue: null } }];
const strictChains = [leaf(300), leaf(301)];

const glitch = {
  bigInt: 2147483648, fractionalInt: 1.5, stringInt: "42", wordInt: "forty-two", booleanInt: true,
  stringFloat: "2.5", wordFloat: "two and a half", numberString: 42, booleanString: true, objectString: { a: 1 }, listString: ["a"],
  numberId: 42, fractionalId: 4.2, booleanId: true, stringBoolean: "yes", numberBoolean: 1,
  unknownEnum: "FROZEN", lowercaseEnum: "open", scalarList: 5, strictScalarList: "nope", nestedBigInt: [1, 2, 9007199254740991],
  date: { not: "a date" }, json: [1, "two", { three: 3 }, null, false],
  wholeFloatInt: 1, exponentStringInt: "1e3", emptyStringInt: "", booleanFloat: true, floatString: 1.5, bigFloatString: 1e21,
  unicodeString: "café ☕ 😀 tab\t quote\" nul\u0000 end", numberEnum: 1, scalarObject: 42,
  smallFloatString: 1e-7, longFloatString: 123456789012345680000, decimalString: 0.1, negativeZeroString: -0, bigFloatId: 1e21,
  paddedStringInt: " 42 ", hexStringInt: "0x10", negativeZeroInt: -0,
  hugeId: 12345678901234567890, hugeString: 1e300, scalarObjects: ["x", 5, true, [1], { id: "m", name: "real" }], flatMatrix: [1, [2], null],
};

const root = {
  profile,
  connections: [conn1Full, conn2Full],
  connection: conn1Full,
  accounts: [acct1, acct2, acct3],
  account: acct1,
  accountBy: acct2,
  transactions: tc(txns1),
  transaction: txns1[1],
  node: acct1,
  nodes: [profile, conn1, null, txns1[0], acct2],
  records: [profile, conn2, acct3, txns1[2]],
  moreNodes: [{ __typename: "Orphan", id: "orph_1", note: "only reachable through Node" }, merchant.id ? { __typename: "Account", id: "acct_9", name: "Ninth" } : null],
  search: [acct1, txns1[0], conn1, merchant, acct2],
  brokenSearch: [acct1, { id: "mystery", name: "no typename" }],
  strangeSearch: [merchant, { __typename: "Profile", id: "prof_1" }],
  oldestAccount: acct3,
  oddSearch: [merchant, { __typename: "Ghost", id: "g" }, { __typename: "Node", id: "n" }, { __typename: 42, id: "x" }, { __typename: "Profile" }],
  mislabeled: { __typename: "Account", id: "mrch_2", name: "Labelled as an account" },
  defaults: "defaults",
  chain, strictChain, chains, strictChains,
  glitch,
  dog, findDog: dog, findPet: cat, human, alien, cat, pet: dog, pets: [dog, cat, null], sentient: alien,
  catOrDog: cat, dogOrHuman: human, humanOrAlien: alien,
  arguments: { multipleRequirements: 3, booleanArgField: true, floatArgField: 1.25, intArgField: 7, nonNullBooleanArgField: false,
    booleanListArgField: [true, null, false], optionalNonNullBooleanArgField: true },
  complicatedArgs: { intArgField: "int", nonNullIntArgField: "nonNullInt", stringArgField: "string", booleanArgField: "boolean",
    enumArgField: "enum", floatArgField: "float", idArgField: "id", stringListArgField: "stringList", stringListNonNullArgField: "stringListNonNull",
    complexArgField: "complex", oneOfArgField: "oneOf", multipleReqs: "multipleReqs", nonNullFieldWithDefault: "withDefault",
    multipleOpts: "multipleOpts", multipleOptAndReq: "multipleOptAndReq" },
  echo: "echo",
  profileUpdate: { success: true, record: profile, errors: [], clientMutationId: "m1" },
  accountUpdate: { success: true, record: acct1, errors: null, clientMutationId: null },
  connectionDisconnect: { success: false, record: null, errors: [{ message: "Connection is syncing", path: ["input", "id"] }], clientMutationId: "m3" },
  transactionUpdate: { success: null, record: null, errors: null, clientMutationId: null },
  transactionPosted: txns1[2],
  balanceChanged: bal("bal_1", 1520.75, 1500.5, null),
};
// JSON.stringify writes 1.0 as 1: keep one whole float as the C# side would read it from a real feed.
process.stdout.write(JSON.stringify(root, null, 2).replace('"wholeFloatInt": 1,', '"wholeFloatInt": 1.0,')
  .replace('"negativeZeroString": 0,', '"negativeZeroString": -0,').replace('"negativeZeroInt": 0\n', '"negativeZeroInt": -0.0\n') + "\n");
