// SPDX-License-Identifier: MIT
// Copyright (c) 2022-2026 the jobmatchd authors
//
// The words of a kiosk at a job fair, in the tables of messages.js (zh,
// zh-easy, en, en-easy; i18n.js joins the files): the fair in the header
// and on the welcome screen, each job's booth, and the floor list of the
// employers at the fair by booth.

export const MESSAGES = {
	zh: {
		fairLabel: '招聘会',
		fairTitle: '这次招聘会',
		fairWhen: '日期',
		fairWhere: '地点',
		fairDates: '{from}到{to}',
		fairIntro: '这里找到的工作，都是来参加招聘会的单位的。每个工作都写着单位的展位号，找到工作，就可以去展位找单位。',
		booth: '展位 {booth}',
		boothLabel: '展位',

		floor: '展位列表',
		floorTitle: '展位列表：招聘会上的单位',
		floorIntro: '招聘会上的单位，按展位号排。',
		floorCount: '一共{n}家单位。',
		floorOpen: '{n}个工作在招人',
		floorOpenNone: '现在没有在招人的工作',
		floorYours: '适合您的工作：',
		floorNoResults: '回答完问题，这里会列出每家单位适合您的工作。',
		floorSee: '看这个工作',
		floorBack: '回去',
		floorStart: '开始找工作',

		notSetUpFair: '工作人员：这台自助机的令牌绑定的招聘会（{id}）还没有登记。请先用 fair.put 登记招聘会。',
		setupOkFair: '已设置好：这台自助机用在招聘会 {id}。',
	},

	'zh-easy': {
		fairIntro: '这里的工作，单位都在招聘会上。每个工作都写着展位号。去展位找他们。',
		floorIntro: '这些单位在招聘会上。按展位号排好了。',
		floorNoResults: '先回答问题。这里会写出适合您的工作。',
	},

	en: {
		fairLabel: 'Job fair',
		fairTitle: 'This job fair',
		fairWhen: 'Date',
		fairWhere: 'Place',
		fairDates: '{from} to {to}',
		fairIntro: 'The jobs you find here are all from employers at this fair. Each job shows the employer’s booth: once you find a job, go to the booth.',
		booth: 'Booth {booth}',
		boothLabel: 'Booth',

		floor: 'Who is here',
		floorTitle: 'Who is here: the employers at the fair',
		floorIntro: 'The employers at the fair, by booth.',
		floorCount: '{n} employers in all.',
		floorOpen: '{n} jobs open',
		floorOpenNone: 'No jobs open now',
		floorYours: 'Jobs for you here:',
		floorNoResults: 'Answer the questions, and the jobs for you at each employer are listed here.',
		floorSee: 'See this job',
		floorBack: 'Go back',
		floorStart: 'Start looking for a job',

		notSetUpFair: 'Staff: the job fair this kiosk’s token is bound to ({id}) is not registered. Register it with fair.put first.',
		setupOkFair: 'Set up: this kiosk is ready, at the job fair {id}.',
	},

	'en-easy': {
		fairIntro: 'These jobs are from employers at the fair. Each job shows a booth. Go to the booth to find them.',
		floorIntro: 'These employers are at the fair. They are in booth order.',
		floorNoResults: 'Answer the questions first. Then the jobs for you are here.',
	},
};
