import type { DocumentUploadedEvent } from '../../generated/events.js';
import type { IdempotencyStore } from '../../src/consumer/index.js';
import { createSqliteIdempotencyStore, type Db, openDatabase } from '../shared/sqlite.js';

export interface CataloguedDocument {
  conversationId: string;
  attachmentId: string;
  organizationId: string;
  fileName: string;
  contentType: string;
  documentType: string | null;
  documentTypes: string[];
  uploadedAt: string;
  /** Upload events applied for this attachment: 1, or more after re-uploads of the same attachment. */
  uploads: number;
}

export interface Catalogue {
  /** Adds the document, or updates it when its attachment was uploaded before. */
  addDocument(event: DocumentUploadedEvent): void;
  /** Conversation id → its documents, oldest first. */
  byConversation(): Map<string, CataloguedDocument[]>;
  readonly store: IdempotencyStore;
  close(): void;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS documents (
  conversation_id TEXT NOT NULL,
  attachment_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  document_type TEXT,
  document_types TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  uploads INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, attachment_id)
)`;

const UPSERT = `INSERT INTO documents
  (conversation_id, attachment_id, organization_id, file_name, content_type, document_type, document_types, uploaded_at, uploads)
  VALUES (@conversationId, @attachmentId, @organizationId, @fileName, @contentType, @documentType, @documentTypes, @uploadedAt, 1)
  ON CONFLICT (conversation_id, attachment_id) DO UPDATE SET
    file_name = excluded.file_name, content_type = excluded.content_type, document_type = excluded.document_type,
    document_types = excluded.document_types, uploaded_at = excluded.uploaded_at, uploads = uploads + 1`;

const SELECT_ALL = `SELECT conversation_id AS conversationId, attachment_id AS attachmentId, organization_id AS organizationId,
  file_name AS fileName, content_type AS contentType, document_type AS documentType, document_types AS documentTypes,
  uploaded_at AS uploadedAt, uploads
  FROM documents ORDER BY conversation_id, uploaded_at, attachment_id`;

/** The document catalogue of the document-intake service, in SQLite, with its processed eventIds beside it. */
export function openCatalogue(path: string): Catalogue {
  const db: Db = openDatabase(path);
  db.exec(SCHEMA);
  const store = createSqliteIdempotencyStore(db);
  const upsert = db.prepare(UPSERT);
  return {
    store,
    addDocument({ data, eventTimestamp }) {
      upsert.run({
        conversationId: data.recordId,
        attachmentId: data.attachmentId,
        organizationId: data.organizationId,
        fileName: data.fileName,
        contentType: data.contentType,
        documentType: data.classifiedDocumentType ?? null,
        documentTypes: JSON.stringify(data.classifiedDocumentTypes ?? []),
        uploadedAt: eventTimestamp,
      });
    },
    byConversation() {
      const rows = db.prepare(SELECT_ALL).all() as (CataloguedDocument & { documentTypes: string })[];
      const catalogue = new Map<string, CataloguedDocument[]>();
      for (const row of rows) {
        const list = catalogue.get(row.conversationId) ?? [];
        list.push({ ...row, documentTypes: JSON.parse(row.documentTypes) as string[] });
        catalogue.set(row.conversationId, list);
      }
      return catalogue;
    },
    close: () => db.close(),
  };
}
