// smtp-sink: a real SMTP server (nodemailer's smtp-server) for ikd's mail
// tests. It listens on 127.0.0.1 on a free port, prints {"port": N} on the
// first line, then prints one JSON line per message received:
// {"from", "to": [...], "data"} and exits after the first message, or after
// 30 seconds. With AUTH_USER and AUTH_PASS set it requires AUTH PLAIN/LOGIN
// with them.
import { SMTPServer } from 'smtp-server';

const user = process.env.AUTH_USER, pass = process.env.AUTH_PASS;
const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS'],
  authOptional: !user,
  onAuth(auth, session, cb) {
    if (auth.username === user && auth.password === pass) return cb(null, { user });
    return cb(new Error('bad credentials'));
  },
  onData(stream, session, cb) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      console.log(JSON.stringify({
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        data: Buffer.concat(chunks).toString('utf8'),
      }));
      cb();
      setTimeout(() => process.exit(0), 50);
    });
  },
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.server.address().port })));
setTimeout(() => process.exit(2), 30000);
