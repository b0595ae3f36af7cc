// Where the demo's (and the tests') alerts arrive: a mail catcher speaking real SMTP
// (`smtp-server`, messages parsed by `mailparser`) and a Slack-compatible Incoming Webhook
// receiver over HTTP, both on loopback. Each keeps what it received, can be told to refuse the
// next messages (SMTP 451, HTTP 500) to show retries, and may write everything to a JSON file.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";

import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedEmail {
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface ReceivedSlackMessage {
  at: string;
  path: string;
  text: string;
  payload: unknown;
}

export interface AlertReceivers {
  smtpUrl: string;
  /** The Incoming Webhook URL to configure on a Slack destination. */
  slackWebhookUrl: string;
  emails: ReceivedEmail[];
  slack: ReceivedSlackMessage[];
  /** The next `count` messages are refused (SMTP 451 / HTTP 500), then accepted again. */
  failNext(kind: "email" | "slack", count: number): void;
  /** Refusals answered so far, per kind. */
  refused: { email: number; slack: number };
  close(): Promise<void>;
}

export interface AlertReceiverOptions {
  host?: string;
  /** Each received message is also written here (JSON, newest last). */
  file?: string;
  onEmail?: (email: ReceivedEmail) => void;
  onSlack?: (message: ReceivedSlackMessage) => void;
}

function listen(server: { listen: (port: number, host: string, callback: () => void) => unknown }, host: string) {
  return new Promise<void>((resolve) => server.listen(0, host, resolve));
}

export async function startAlertReceivers(options: AlertReceiverOptions = {}): Promise<AlertReceivers> {
  const host = options.host ?? "127.0.0.1";
  const emails: ReceivedEmail[] = [];
  const slack: ReceivedSlackMessage[] = [];
  const failures = { email: 0, slack: 0 };
  const refused = { email: 0, slack: 0 };
  let writing = Promise.resolve();
  const persist = () => {
    if (!options.file) return;
    const file = options.file;
    const snapshot = JSON.stringify({ emails, slack }, null, 2);
    writing = writing.then(() => writeFile(file, `${snapshot}\n`)).catch(() => undefined);
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (failures.email > 0) {
            failures.email -= 1;
            refused.email += 1;
            const error = new Error("Mailbox busy, try again later") as Error & { responseCode: number };
            error.responseCode = 451;
            callback(error);
            return;
          }
          const email: ReceivedEmail = {
            at: new Date().toISOString(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          };
          emails.push(email);
          persist();
          options.onEmail?.(email);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  smtp.on("error", () => undefined);
  await listen(smtp, host);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (request.method === "GET") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ emails, slack }, null, 2));
        return;
      }
      if (request.method !== "POST" || !request.url?.startsWith("/services/")) {
        response.writeHead(404, { "content-type": "text/plain" }).end("no_service");
        return;
      }
      if (failures.slack > 0) {
        failures.slack -= 1;
        refused.slack += 1;
        response.writeHead(500, { "content-type": "text/plain" }).end("internal_error");
        return;
      }
      let payload: { text?: unknown };
      try {
        payload = JSON.parse(body) as { text?: unknown };
      } catch {
        response.writeHead(400, { "content-type": "text/plain" }).end("invalid_payload");
        return;
      }
      // Slack answers "no_text" to a message without text (or blocks).
      if (typeof payload.text !== "string" || payload.text.length === 0) {
        response.writeHead(400, { "content-type": "text/plain" }).end("no_text");
        return;
      }
      const message: ReceivedSlackMessage = {
        at: new Date().toISOString(),
        path: request.url,
        text: payload.text,
        payload,
      };
      slack.push(message);
      persist();
      options.onSlack?.(message);
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await listen(http, host);
  const httpPort = (http.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    slackWebhookUrl: `http://${host}:${httpPort}/services/TDEMO/BDEMO/demo-receiver`,
    emails,
    slack,
    refused,
    failNext(kind, count) {
      failures[kind] = count;
    },
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        }),
      ]);
      await writing;
    },
  };
}
