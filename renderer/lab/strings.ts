/** UI strings of the "Built-in lab" section; the Chinese table has the type of the English one. */

export const labEn = {
  title: 'Built-in lab',
  intro:
    'Runs this design on a real Linux kernel with IPVS, in a throw-away qemu VM on this machine: every host becomes a network namespace, the design is deployed to them over SSH like to real machines, and the live view opens.',
  run: 'Run in the built-in lab',
  stop: 'Stop lab',
  unavailable: 'The built-in lab cannot run here: {{reason}}',
  running: 'A lab VM is running ({{design}}, {{count}} hosts).',
  phase: {
    idle: '',
    starting: 'Starting the lab VM and creating the hosts… (the first start builds the image and takes longer)',
    deploying: 'Deploying the design into the lab…',
    live: 'Running in the lab: the live view shows what its kernel does.',
    stopping: 'Stopping the lab…',
    failed: '',
  },
  ready: 'Lab ready in {{seconds}} s; the hosts’ SSH settings now point at it (Undo restores them).',
  failed: 'The lab run failed: {{error}}',
  deployFailed: 'The deploy into the lab did not succeed: the Deploy tab shows which host failed and why.',
  blocked: {
    errors: 'The checker finds errors in this design: fix them first, or tick “Deploy anyway” in the Deploy tab.',
    'no-hosts': 'The design has no hosts to run.',
    busy: 'Wait for the current deploy or lab run to finish.',
  },
  openLive: 'Show the live view',
  log: 'What the lab did',
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const labZh: Widen<typeof labEn> = {
  title: '内置实验环境',
  intro:
    '在本机一个用完即弃的 qemu 虚拟机里，用带 IPVS 的真实 Linux 内核运行此设计：每台主机成为一个网络命名空间，像部署到真实机器一样通过 SSH 部署设计，然后打开实时视图。',
  run: '在内置实验环境中运行',
  stop: '停止实验环境',
  unavailable: '内置实验环境无法在此运行：{{reason}}',
  running: '实验虚拟机正在运行（{{design}}，{{count}} 台主机）。',
  phase: {
    idle: '',
    starting: '正在启动实验虚拟机并创建主机……（第一次启动需要构建镜像，耗时更长）',
    deploying: '正在把设计部署到实验环境……',
    live: '正在实验环境中运行：实时视图显示其内核的实际行为。',
    stopping: '正在停止实验环境……',
    failed: '',
  },
  ready: '实验环境在 {{seconds}} 秒内就绪；各主机的 SSH 设置现在指向它（撤销可恢复）。',
  failed: '实验运行失败：{{error}}',
  deployFailed: '部署到实验环境没有成功：“部署”标签页显示哪台主机失败以及原因。',
  blocked: {
    errors: '检查器在此设计中发现错误：请先修复，或在“部署”标签页勾选“仍然部署”。',
    'no-hosts': '设计中没有可运行的主机。',
    busy: '请等待当前的部署或实验运行结束。',
  },
  openLive: '显示实时视图',
  log: '实验环境的操作记录',
};
