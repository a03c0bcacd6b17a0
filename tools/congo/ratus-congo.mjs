import { CongoServer, MemoryStorageAdapter } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { UpdateEngine } from '@push.rocks/smartmongo/dist_ts/congodb/engine/UpdateEngine.js';
import { ObjectId } from 'bson';
for (const [proto, tag] of [[String.prototype, 's:'], [Number.prototype, 'n:']])   // storage keys ids by id.toHexString()
  Object.defineProperty(proto, 'toHexString', { value: function () { return tag + this.valueOf(); }, enumerable: false, configurable: true });
const keyOf = (v) => v === undefined ? 'u' : v instanceof ObjectId ? 'o:' + v.toHexString()
  : v instanceof Date ? 'd:' + v.getTime() : typeof v === 'object' && v !== null ? 'j:' + JSON.stringify(v) : typeof v + ':' + String(v);
const get = (doc, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), doc);
const P = MemoryStorageAdapter.prototype;
async function checkUnique(self, db, coll, doc) {                 // enforce unique secondary indexes (ignores partial/sparse!)
  for (const ix of (await self.getIndexes(db, coll)) ?? []) {
    if (!ix.unique || ix.name === '_id_') continue;
    const fields = Object.keys(ix.key), k = fields.map((f) => keyOf(get(doc, f))).join('|');
    for (const other of await self.findAll(db, coll)) {
      if (keyOf(other._id) === keyOf(doc._id)) continue;
      if (fields.map((f) => keyOf(get(other, f))).join('|') === k) { const e = new Error(`Duplicate key error: index ${ix.name}`); e.code = 11000; throw e; }
    }
  }
}
const origUpdateById = P.updateById;
P.insertOne = async function (db, coll, doc) {                   // keep string/number _id instead of new ObjectId(_id)
  const c = this.ensureCollection(db, coll); const stored = { ...doc };
  if (stored._id === undefined || stored._id === null) stored._id = new ObjectId();
  const id = stored._id.toHexString();
  if (c.has(id)) { const e = new Error(`Duplicate key error: _id ${id}`); e.code = 11000; throw e; }
  await checkUnique(this, db, coll, stored); c.set(id, stored); return stored;
};
P.updateById = async function (db, coll, id, doc) { await checkUnique(this, db, coll, doc); return origUpdateById.call(this, db, coll, id, doc); };
// Ratus addition to the recipe's shims: the update engine deep-clones every document into plain objects, which turns a
// BSON Binary (Ratus stores payloads as binary, docs/protocol.md, D4) into {sub_type, buffer}; keep Binary values as they are.
const origDeepClone = UpdateEngine.deepClone;
UpdateEngine.deepClone = function (obj) { return obj?._bsontype === 'Binary' ? obj : origDeepClone.call(this, obj); };
const port = Number(process.argv[2] ?? 27017);                    // 0 = ephemeral
const server = new CongoServer({ host: '127.0.0.1', port });
await server.start();
const storage = server.getStorage();
setInterval(async () => {                                          // TTL sweeper (mongod runs its TTL monitor every 60 s; this runs every CONGO_TTL_MS)
  try {
    for (const db of await storage.listDatabases()) for (const coll of await storage.listCollections(db))
      for (const ix of (await storage.getIndexes(db, coll)) ?? []) {
        if (ix.expireAfterSeconds === undefined) continue;
        const field = Object.keys(ix.key)[0], cutoff = Date.now() - ix.expireAfterSeconds * 1000;
        for (const d of await storage.findAll(db, coll)) { const v = get(d, field); if (v instanceof Date && v.getTime() <= cutoff) await storage.deleteById(db, coll, d._id); }
      }
  } catch (e) { console.error('ttl sweep failed', e); }
}, Number(process.env.CONGO_TTL_MS ?? 1000)).unref();
console.log(`LISTENING ${server['server']?.address?.().port ?? port}`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop); process.on('SIGINT', stop);
