// /loyalty/rewards/$id: a reward with its discount-coupon code pool and the tiers that may redeem it.
import { createRoute } from '@tanstack/react-router';
import { lazyPage, withPage } from '../app/lazy-screen.ts';
import { pathOf } from '../app/routes.ts';
import { rootRoute } from './root.tsx';

const RewardPage = lazyPage(() => import('../modules/loyalty/RewardPage.tsx'));

export const loyaltyRewardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: pathOf('loyaltyReward'),
  component: withPage(RewardScreen, RewardPage),
});

function RewardScreen() {
  const { id } = loyaltyRewardRoute.useParams();
  return <RewardPage rewardId={id} />;
}
