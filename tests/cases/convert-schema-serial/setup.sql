CREATE SCHEMA billing;
CREATE TABLE billing.invoice_lines (
    id         bigserial PRIMARY KEY,
    invoice_no text NOT NULL,
    line_no    integer NOT NULL,
    amount     numeric(12,2) NOT NULL CHECK (amount >= 0),
    billed_at  timestamptz NOT NULL,
    UNIQUE (invoice_no, line_no)
);
CREATE INDEX invoice_lines_invoice_no_idx ON billing.invoice_lines (invoice_no);
GRANT SELECT, INSERT ON billing.invoice_lines TO api_user;
INSERT INTO billing.invoice_lines (invoice_no, line_no, amount, billed_at)
SELECT 'INV-' || (i / 3), i % 3, (i % 500) * 1.25,
       timestamptz '2025-10-01 00:00:00+00' + (i * interval '97 minutes')
  FROM generate_series(1, 6000) AS i;
