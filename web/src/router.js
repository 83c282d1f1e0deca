// Routes; each page is its own chunk so the first page stays small. meta.permission is the
// permission a route needs (the menu is built from the same table).
import { createRouter, createWebHistory } from 'vue-router'
import { session, loadSession, can, setUnauthenticatedHandler } from './api.js'
import MainLayout from './layouts/MainLayout.vue'

export const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/Dashboard.vue'),
        meta: { title: 'menu.dashboard', permission: 'registry:read' } },
      { path: 'enterprises', name: 'enterprises', component: () => import('./views/enterprises/EnterpriseList.vue'),
        meta: { title: 'menu.enterprises', permission: 'registry:read' } },
      { path: 'enterprises/new', name: 'enterprise-new', component: () => import('./views/enterprises/EnterpriseForm.vue'),
        meta: { title: 'menu.enterpriseNew', permission: 'registry:write' } },
      { path: 'enterprises/import', name: 'enterprise-import', component: () => import('./views/enterprises/EnterpriseImport.vue'),
        meta: { title: 'menu.enterpriseImport', permission: 'registry:write' } },
      { path: 'enterprises/:code', name: 'enterprise', component: () => import('./views/enterprises/EnterpriseDetail.vue'),
        meta: { title: 'enterprises.detailTitle', permission: 'registry:read' } },
      { path: 'enterprises/:code/edit', name: 'enterprise-edit', component: () => import('./views/enterprises/EnterpriseForm.vue'),
        meta: { title: 'enterpriseForm.titleEdit', permission: 'registry:write' } },
      { path: 'equipment', name: 'equipment', component: () => import('./views/equipment/UnitList.vue'),
        meta: { title: 'menu.equipmentList', permission: 'equipment:read' } },
      { path: 'equipment/new', name: 'equipment-new', component: () => import('./views/equipment/UnitForm.vue'),
        meta: { title: 'menu.equipmentNew', permission: 'equipment:write' } },
      { path: 'equipment/due', name: 'equipment-due', component: () => import('./views/equipment/DueList.vue'),
        meta: { title: 'menu.equipmentDue', permission: 'equipment:read' } },
      { path: 'equipment/rates', name: 'equipment-rates', component: () => import('./views/equipment/Rates.vue'),
        meta: { title: 'menu.equipmentRates', permission: 'equipment:read' } },
      { path: 'equipment/operators', name: 'equipment-operators', component: () => import('./views/equipment/Operators.vue'),
        meta: { title: 'menu.equipmentOperators', permission: 'equipment:read' } },
      { path: 'equipment/accidents', name: 'equipment-accidents', component: () => import('./views/equipment/Accidents.vue'),
        meta: { title: 'menu.equipmentAccidents', permission: 'equipment:read' } },
      { path: 'equipment/accidents/:id', name: 'equipment-accident', component: () => import('./views/equipment/AccidentDetail.vue'),
        meta: { title: 'equipment.accidents.detailTitle', permission: 'equipment:read' } },
      { path: 'equipment/campaigns', name: 'equipment-campaigns', component: () => import('./views/equipment/Campaigns.vue'),
        meta: { title: 'menu.equipmentCampaigns', permission: 'equipment:read' } },
      { path: 'equipment/campaigns/:id', name: 'equipment-campaign', component: () => import('./views/equipment/CampaignDetail.vue'),
        meta: { title: 'equipment.campaigns.detailTitle', permission: 'equipment:read' } },
      { path: 'equipment/:device_code', name: 'equipment-unit', component: () => import('./views/equipment/UnitDetail.vue'),
        meta: { title: 'equipment.detail.title', permission: 'equipment:read' } },
      { path: 'equipment/:device_code/edit', name: 'equipment-edit', component: () => import('./views/equipment/UnitForm.vue'),
        meta: { title: 'equipment.form.titleEdit', permission: 'equipment:write' } },
      { path: 'sampling/plans', name: 'sampling-plans', component: () => import('./views/sampling/Plans.vue'),
        meta: { title: 'menu.samplingPlans', permission: 'sampling:read' } },
      { path: 'sampling/plans/:id', name: 'sampling-plan', component: () => import('./views/sampling/PlanDetail.vue'),
        meta: { title: 'sampling.plans.detailTitle', permission: 'sampling:read' } },
      { path: 'sampling/tasks/:id/draw', name: 'sampling-draw', component: () => import('./views/sampling/Draw.vue'),
        meta: { title: 'sampling.draw.title', permission: 'sampling:read' } },
      { path: 'sampling/samples', name: 'sampling-samples', component: () => import('./views/sampling/Samples.vue'),
        meta: { title: 'menu.samplingSamples', permission: 'sampling:read' } },
      { path: 'sampling/samples/new', name: 'sampling-sample-new', component: () => import('./views/sampling/SampleForm.vue'),
        meta: { title: 'sampling.samples.new', permission: 'sampling:write' } },
      { path: 'sampling/samples/:id', name: 'sampling-sample', component: () => import('./views/sampling/SampleDetail.vue'),
        meta: { title: 'sampling.samples.detailTitle', permission: 'sampling:read' } },
      { path: 'sampling/followups', name: 'sampling-followups', component: () => import('./views/sampling/Followups.vue'),
        meta: { title: 'menu.samplingFollowups', permission: 'sampling:read' } },
      { path: 'sampling/announcements', name: 'sampling-announcements', component: () => import('./views/sampling/Announcements.vue'),
        meta: { title: 'menu.samplingAnnouncements', permission: 'sampling:read' } },
      { path: 'sampling/stats', name: 'sampling-stats', component: () => import('./views/sampling/Stats.vue'),
        meta: { title: 'menu.samplingStats', permission: 'sampling:read' } },
      { path: 'licensing/queue', name: 'licensing-queue', component: () => import('./views/licensing/Queue.vue'),
        meta: { title: 'menu.licensingQueue', permission: 'licensing:read' } },
      { path: 'licensing/overdue', name: 'licensing-overdue', component: () => import('./views/licensing/Queue.vue'),
        meta: { title: 'menu.licensingOverdue', permission: 'licensing:read', overdue: true } },
      { path: 'licensing/applications', name: 'licensing-applications', component: () => import('./views/licensing/Applications.vue'),
        meta: { title: 'menu.licensingApplications', permission: 'licensing:read' } },
      { path: 'licensing/applications/new', name: 'licensing-application-new', component: () => import('./views/licensing/ApplicationForm.vue'),
        meta: { title: 'licensing.applications.new', permission: 'licensing:write' } },
      { path: 'licensing/applications/:id', name: 'licensing-application', component: () => import('./views/licensing/ApplicationDetail.vue'),
        meta: { title: 'licensing.applications.detailTitle', permission: 'licensing:read' } },
      { path: 'licensing/applications/:id/edit', name: 'licensing-application-edit', component: () => import('./views/licensing/ApplicationForm.vue'),
        meta: { title: 'licensing.form.titleEdit', permission: 'licensing:write' } },
      { path: 'licensing/licences', name: 'licensing-licences', component: () => import('./views/licensing/Licences.vue'),
        meta: { title: 'menu.licensingLicences', permission: 'licensing:read' } },
      { path: 'licensing/licences/:id', name: 'licensing-licence', component: () => import('./views/licensing/LicenceDetail.vue'),
        meta: { title: 'licensing.licences.detailTitle', permission: 'licensing:read' } },
      { path: 'licensing/checks', name: 'licensing-checks', component: () => import('./views/licensing/ChecksDue.vue'),
        meta: { title: 'menu.licensingChecks', permission: 'licensing:read' } },
      { path: 'licensing/stats', name: 'licensing-stats', component: () => import('./views/licensing/Stats.vue'),
        meta: { title: 'menu.licensingStats', permission: 'licensing:read' } },
      { path: 'calendar', name: 'calendar', component: () => import('./views/admin/Calendar.vue'),
        meta: { title: 'menu.calendar' } },
      { path: 'accounts', name: 'accounts', component: () => import('./views/admin/Accounts.vue'),
        meta: { title: 'menu.accounts', permission: 'accounts:read' } },
      { path: 'roles', name: 'roles', component: () => import('./views/admin/Roles.vue'),
        meta: { title: 'menu.roles', permission: 'accounts:read' } },
      { path: 'audit', name: 'audit', component: () => import('./views/admin/Audit.vue'),
        meta: { title: 'menu.audit', permission: 'audit:read' } },
      { path: 'profile', name: 'profile', component: () => import('./views/Profile.vue'),
        meta: { title: 'menu.profile' } },
      { path: 'forbidden', name: 'forbidden', component: () => import('./views/NotFound.vue'),
        meta: { title: 'forbidden.title', icon: 'error' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue'),
        meta: { title: 'notFound.title' } },
    ],
  },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession()
  if (to.meta.public) return session.account && to.name === 'login' ? { name: 'dashboard' } : true
  if (!session.account) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (session.mustChange && to.name !== 'profile') return { name: 'profile' }
  // An enterprise account's home is its own quality file.
  if (to.name === 'dashboard' && session.account.enterprise && session.account.credit_code)
    return { name: 'enterprise', params: { code: session.account.credit_code } }
  if (to.meta.permission && !can(to.meta.permission)) {
    return to.name === 'dashboard' ? { name: 'profile' } : { name: 'forbidden' }
  }
  return true
})

setUnauthenticatedHandler(() => {
  if (!session.checked) return // the first check at start-up: the guard decides
  session.account = null
  session.csrf = null
  const here = router.currentRoute.value
  if (!here.meta.public) router.replace({ name: 'login', query: { next: here.fullPath } })
})
