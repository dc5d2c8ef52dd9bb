import type { Insertable, Selectable, Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import { credentialsChanged } from '../credentials-version.js';
import type { Db } from '../db.js';
import type { UserTable } from '../schema.js';

export type UserRow = Selectable<UserTable>;

const byIdQ = compiled((db, id: number) => db.selectFrom('users').selectAll().where('id', '=', id));
const byLoginQ = compiled((db, login: string) => db.selectFrom('users').selectAll().where('login', '=', login));

export class UserRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<UserRow | undefined> {
    return byIdQ.first(this.db, id) as Promise<UserRow | undefined>;
  }

  byLogin(login: string): Promise<UserRow | undefined> {
    return byLoginQ.first(this.db, login) as Promise<UserRow | undefined>;
  }

  async insert(row: Insertable<UserTable>): Promise<UserRow> {
    const inserted = await this.db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
    credentialsChanged();
    return inserted;
  }

  async update(id: number, patch: Updateable<UserTable>): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
    credentialsChanged();
  }

  list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('id').execute();
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
