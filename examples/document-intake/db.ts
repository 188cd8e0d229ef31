import type { IdempotencyStore } from 'popp-bridge/consumer';
import type { DocumentUploadedEvent } from 'popp-bridge/events';
import { createSqliteIdempotencyStore, type Db, openDatabase } from '../shared/sqlite.js';
import type { ValidationError } from './popp-client.js';

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

/** A document kept out of the catalogue: what Popp (or the service) found wrong with it. */
export interface RejectedDocument {
  conversationId: string;
  attachmentId: string;
  organizationId: string;
  fileName: string;
  documentType: string | null;
  validationErrors: ValidationError[];
  uploadedAt: string;
}

export interface Catalogue {
  /** A document that passed its check: added, or updated when its attachment was uploaded before (and no longer rejected). */
  addDocument(event: DocumentUploadedEvent): void;
  /** A document that failed its check: kept apart with its errors (and out of the catalogue, should an earlier upload have passed). */
  rejectDocument(event: DocumentUploadedEvent, validationErrors: ValidationError[]): void;
  /** Conversation id → its documents, oldest first. */
  byConversation(): Map<string, CataloguedDocument[]>;
  /** Every rejected document, oldest first. */
  rejected(): RejectedDocument[];
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

// Its own table: an operator sees why each document was kept out, and the catalogue holds only documents that passed.
const REJECTED_SCHEMA = `CREATE TABLE IF NOT EXISTS rejected_documents (
  conversation_id TEXT NOT NULL,
  attachment_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  document_type TEXT,
  validation_errors TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  PRIMARY KEY (conversation_id, attachment_id)
)`;

const UPSERT_REJECTED = `INSERT INTO rejected_documents
  (conversation_id, attachment_id, organization_id, file_name, document_type, validation_errors, uploaded_at)
  VALUES (@conversationId, @attachmentId, @organizationId, @fileName, @documentType, @validationErrors, @uploadedAt)
  ON CONFLICT (conversation_id, attachment_id) DO UPDATE SET
    file_name = excluded.file_name, document_type = excluded.document_type,
    validation_errors = excluded.validation_errors, uploaded_at = excluded.uploaded_at`;

const SELECT_REJECTED = `SELECT conversation_id AS conversationId, attachment_id AS attachmentId, organization_id AS organizationId,
  file_name AS fileName, document_type AS documentType, validation_errors AS validationErrors, uploaded_at AS uploadedAt
  FROM rejected_documents ORDER BY uploaded_at, conversation_id, attachment_id`;

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

/** The document catalogue of the document-intake service and its rejected documents, in SQLite, with its processed eventIds beside them. */
export function openCatalogue(path: string): Catalogue {
  const db: Db = openDatabase(path);
  db.exec(SCHEMA);
  db.exec(REJECTED_SCHEMA);
  const store = createSqliteIdempotencyStore(db);
  const upsert = db.prepare(UPSERT);
  const upsertRejected = db.prepare(UPSERT_REJECTED);
  const unreject = db.prepare('DELETE FROM rejected_documents WHERE conversation_id = ? AND attachment_id = ?');
  const uncatalogue = db.prepare('DELETE FROM documents WHERE conversation_id = ? AND attachment_id = ?');
  return {
    store,
    addDocument({ data, eventTimestamp }) {
      unreject.run(data.recordId, data.attachmentId);
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
    rejectDocument({ data, eventTimestamp }, validationErrors) {
      uncatalogue.run(data.recordId, data.attachmentId);
      upsertRejected.run({
        conversationId: data.recordId,
        attachmentId: data.attachmentId,
        organizationId: data.organizationId,
        fileName: data.fileName,
        documentType: data.classifiedDocumentType ?? null,
        validationErrors: JSON.stringify(validationErrors),
        uploadedAt: eventTimestamp,
      });
    },
    rejected() {
      const rows = db.prepare(SELECT_REJECTED).all() as (RejectedDocument & { validationErrors: string })[];
      return rows.map((row) => ({ ...row, validationErrors: JSON.parse(row.validationErrors) as ValidationError[] }));
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
