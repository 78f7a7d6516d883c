import type { Command } from 'commander';
import { projectModel } from '../../../generators/model.ts';
import { libvirtToXl, xlToLibvirt } from '../../libvirt/map.ts';
import { checkXlConfigText, rulesFor } from '../../xlcfg/check.ts';
import { CAPS } from '../../io.ts';
import { safeMessage } from '../../text.ts';
import { readUserFile } from './xlcfg.ts';

export function libvirtCommand(program: Command): void {
  const libvirt = program.command('libvirt').description("map libvirt's <launchSecurity> to and from the xl.cfg coco options");
  libvirt
    .command('to-xl')
    .description('print the xl.cfg coco options for the <launchSecurity> of a libvirt domain XML; exit 1 if they break the coco rules')
    .argument('<file>', 'a libvirt domain XML (or a bare <launchSecurity> element)')
    .option('--json', 'print {"ok", "kind", "xl", "errors": [{"option", "message"}]} (xl: the xl.cfg lines)')
    .action((file: string, opts: { json?: boolean }) => {
      const rules = rulesFor(projectModel());
      const out = libvirtToXl(readUserFile(file, 'libvirt to-xl', CAPS.xml), file, rules);
      const check = checkXlConfigText(out.text, `${file} (mapped)`, rules);
      if (opts.json) {
        console.log(JSON.stringify({ ok: check.ok, kind: out.kind, xl: out.text, errors: check.errors.map((e) => ({ option: e.option, message: e.message })) }, null, 1));
      } else {
        process.stdout.write(out.text);
        for (const e of check.errors) process.stderr.write(`xen-sev: warning: ${safeMessage(`${e.option}: ${e.message}`)}\n`);
      }
      if (!check.ok) process.exitCode = 1;
    });
  libvirt
    .command('from-xl')
    .description('print the libvirt <launchSecurity> element for the coco options of an xl.cfg')
    .argument('<file>', 'an xl.cfg domain configuration that passes `xen-sev xlcfg check`')
    .option('--json', 'print {"launchSecurity": "<launchSecurity ...>...</launchSecurity>"}')
    .action((file: string, opts: { json?: boolean }) => {
      const xml = xlToLibvirt(readUserFile(file, 'libvirt from-xl'), file, rulesFor(projectModel()));
      if (opts.json) console.log(JSON.stringify({ launchSecurity: xml }, null, 1));
      else process.stdout.write(xml);
    });
}
